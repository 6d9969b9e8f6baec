# frozen_string_literal: true

# Run by the chatwoot-init one-shot (docker-compose.yml) after `rails db:chatwoot_prepare`:
#   bundle exec rails runner /wrrk/chatwoot-init.rb
#
# Makes sure, idempotently, that:
# 1. a super admin exists (CHATWOOT_ADMIN_EMAIL / CHATWOOT_ADMIN_PASSWORD), and the public
#    installation onboarding page is closed: while it is open, the first visitor of /app
#    would become super admin;
# 2. the `wrrk` platform app exists and answers to CHATWOOT_PLATFORM_TOKEN, so the
#    orchestrator's bootstrap can create accounts and users through the Platform API;
# 3. the wrrk service user (WRRK_SERVICE_USER_EMAIL) exists with CHATWOOT_API_TOKEN as its
#    api_access_token and is reachable by the platform app; the bootstrap makes it an
#    administrator of every tenant's account (GET /api/v1/profile with that token names it).
#
# Tokens are chosen by generate-secrets.sh rather than by Chatwoot so that the orchestrator
# has them in its environment from the first start. A token changed in .env is applied here
# on the next `docker compose up`.

def required_env(name)
  value = ENV.fetch(name, '').strip
  abort("chatwoot-init: #{name} is not set (run infra/compose/generate-secrets.sh)") if value.empty?
  value
end

# Chatwoot gives every user and platform app one access token (created on save); make it the
# one from .env. Extra rows would make `owner.access_token` ambiguous, so they go.
def assign_token(owner, token, label)
  tokens = AccessToken.where(owner: owner).order(:id).to_a
  access_token = tokens.shift || AccessToken.new(owner: owner)
  tokens.each(&:destroy!)
  if access_token.persisted? && access_token.token == token
    puts "chatwoot-init: #{label} token unchanged"
  else
    access_token.token = token
    access_token.save!
    puts "chatwoot-init: #{label} token set from .env"
  end
end

admin_email = required_env('CHATWOOT_ADMIN_EMAIL').downcase
admin_password = required_env('CHATWOOT_ADMIN_PASSWORD')
platform_token = required_env('CHATWOOT_PLATFORM_TOKEN')
service_token = required_env('CHATWOOT_API_TOKEN')
service_email = required_env('WRRK_SERVICE_USER_EMAIL').downcase

# Not one transaction: Chatwoot creates access tokens in commit callbacks, which must have run
# before the tokens are replaced. Every step is idempotent, so a failed run is simply re-run.
# 1. Super admin, through the builder the onboarding page itself uses.
if SuperAdmin.exists?
  puts 'chatwoot-init: a super admin exists'
elsif User.exists?(email: admin_email)
  User.find_by!(email: admin_email).update!(type: 'SuperAdmin')
  puts "chatwoot-init: #{admin_email} promoted to super admin"
else
  AccountBuilder.new(
    account_name: 'wrrk operations',
    user_full_name: 'wrrk operator',
    email: admin_email,
    user_password: admin_password,
    super_admin: true,
    confirmed: true
  ).perform
  puts "chatwoot-init: super admin #{admin_email} created"
end

# 2. Platform app with the token from .env.
platform_app = PlatformApp.find_or_create_by!(name: 'wrrk')
assign_token(platform_app, platform_token, 'platform app')

# 3. Service user with the token from .env; its password is random and never used.
service_user = User.find_by(email: service_email)
unless service_user
  password = "#{SecureRandom.alphanumeric(32)}aA1!"
  service_user = User.new(name: 'wrrk', display_name: 'wrrk', email: service_email,
                          password: password, password_confirmation: password)
  service_user.skip_confirmation!
  service_user.save!
  puts "chatwoot-init: service user #{service_email} created"
end
assign_token(service_user, service_token, 'service user')
PlatformAppPermissible.find_or_create_by!(platform_app: platform_app, permissible: service_user)

# 4. Close the onboarding wizard (a Redis flag).
Redis::Alfred.delete(Redis::Alfred::CHATWOOT_INSTALLATION_ONBOARDING)
puts 'chatwoot-init: installation onboarding closed; done'

-- wrrk: room and participant lifecycle, pushed to the orchestrator.
--
-- Mounted into the prosody container at /config/conf.d/ (docker-compose.yml). The image copies
-- /config into its runtime config folder and its prosody.cfg.lua ends with
-- `Include "conf.d/*.cfg.lua"`, so this file is loaded next to the generated jitsi-meet.cfg.lua.
--
-- jitsi-contrib's event_sync component (mod_event_sync_component, copied into the plugin path
-- by the jitsi-plugins one-shot) POSTs JSON to
--   <api_prefix>/events/room/created        <api_prefix>/events/room/destroyed
--   <api_prefix>/events/occupant/joined     <api_prefix>/events/occupant/left
-- with `Authorization: Bearer <JITSI_EVENT_SYNC_TOKEN>`; the orchestrator serves them under
-- /api/webhooks/jitsi/... and compares the token in constant time. Deliveries are retried a few
-- times on 5xx and time-outs, then dropped: the orchestrator must answer fast.
--
-- Values come from the container's environment through Prosody's ENV_<NAME> lookup (0.12 and
-- later). Prosody refuses to start, loudly, rather than post unauthenticated.

-- Prosody 13 wants the Lua standard library through `Lua`; 0.12 has no `Lua` but plain globals.
local fail = (Lua and Lua.error) or error

local event_sync_token = ENV_JITSI_EVENT_SYNC_TOKEN
if event_sync_token == nil or event_sync_token == "" then
	fail("wrrk-event-sync: JITSI_EVENT_SYNC_TOKEN is not set (run infra/compose/generate-secrets.sh)")
end

local xmpp_domain = ENV_XMPP_DOMAIN or "meet.jitsi"
local muc_domain = ENV_XMPP_MUC_DOMAIN or ("muc." .. xmpp_domain)
local breakout_domain = ENV_XMPP_BREAKOUT_MUC_DOMAIN or ("breakout." .. xmpp_domain)

Component ("esync." .. xmpp_domain) "event_sync_component"
	muc_component = muc_domain
	breakout_component = breakout_domain
	api_prefix = ENV_WRRK_EVENT_SYNC_URL or "http://orchestrator:4000/api/webhooks/jitsi"
	api_headers = {
		["Authorization"] = "Bearer " .. event_sync_token;
	}
	api_timeout = 10
	api_retry_count = 3
	api_retry_delay = 2

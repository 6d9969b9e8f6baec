import NextAuth from 'next-auth';
import { authOptions } from '../../../../lib/auth/auth-options';

// Options are built per request so configuration is read at run time, not build time.
async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  return NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };

import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Every page is rendered per request: the CSP nonce (set by the proxy) must reach Next's scripts.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'wrrk', template: '%s · wrrk' },
  description: 'One workspace for support: inbox, team chat, consultations and the CEO’s approvals.',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#ffffff',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

import { escapeHtml } from '../../src/platform/html.js';
import type { StandInIntent } from './intents.js';

/**
 * The bank's 3-D Secure page a redirect leads to: no script, two buttons, as Stripe's own test
 * page offers ("Complete" and "Fail" authentication).
 */
export function challengePage(intent: StandInIntent): string {
  const amount = `${(intent.amount / 100).toFixed(2)} ${intent.currency.toUpperCase()}`;
  const secret = escapeHtml(intent.client_secret);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>3D Secure test page (stand-in)</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
<h1>3D Secure test page</h1>
<p>A stand-in of your bank's check for a payment of <strong>${escapeHtml(amount)}</strong>.</p>
<form method="post" action="/stripe-stand-in/3ds/${escapeHtml(intent.id)}">
<input type="hidden" name="client_secret" value="${secret}">
<button type="submit" name="outcome" value="complete">Complete authentication</button>
<button type="submit" name="outcome" value="fail">Fail authentication</button>
</form>
</body>
</html>`;
}

/**
 * Mail providers whose mailboxes ignore dots in an address's local part, each with the domain of
 * the one mailbox its addresses reach (googlemail.com is Gmail under another name).
 */
const dotless = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * The mailbox an email address reaches, as one customer: lower case, without a plus tag
 * (`alice+spring@…` is `alice@…`), without dots where the provider ignores them. One use of a code
 * per customer counts by it, so writing one's address another way does not make another customer.
 * The migration that keyed the redemptions recorded before it does the same in SQL
 * (`migrations/0020_discount_mailbox_keys.sql`); a change here goes there too.
 */
export function mailboxKey(email: string): string {
  const lowered = email.trim().toLowerCase();
  const at = lowered.lastIndexOf('@');
  if (at < 0) return lowered;
  let local = lowered.slice(0, at).split('+')[0] ?? '';
  let domain = lowered.slice(at + 1);
  const mailbox = dotless.get(domain);
  if (mailbox) {
    local = local.replaceAll('.', '');
    domain = mailbox;
  }
  return `${local}@${domain}`;
}

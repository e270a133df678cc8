import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from './mailer.js';

/**
 * What every mailer adapter does, whichever way it delivers: the message arrives as given (one
 * recipient, UTF-8 subject and bodies, the configured From), the returned id is the Message-ID that
 * arrived, a stable id gives a stable Message-ID, and what cannot be a single-recipient email is
 * refused before anything leaves.
 */
export interface DeliveredEmail {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  html: string;
  text: string;
}

export interface MailerUnderTest {
  mailer: Mailer;
  from: string;
  /** What reached the other side (the SMTP server, or the dev mailbox's record). */
  delivered(): Promise<DeliveredEmail[]>;
  close(): Promise<void>;
}

export function mailerContract(name: string, open: () => Promise<MailerUnderTest>) {
  describe(`mailer contract: ${name}`, () => {
    let subject: MailerUnderTest;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(async () => {
      await subject?.mailer.close();
      await subject?.close();
    });

    const deliveredTo = async (to: string) =>
      (await subject.delivered()).filter((email) => email.to.includes(to));

    it('delivers the message as given and answers its Message-ID', async () => {
      const to = 'ada@example.com';
      const { messageId } = await subject.mailer.send({
        to,
        subject: 'Order SR-ABCD2345 received',
        html: '<p>Thank <b>you</b></p>',
        text: 'Thank you',
      });
      expect(messageId).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
      const [email, ...more] = await deliveredTo(to);
      expect(more).toEqual([]);
      expect(email).toMatchObject({
        from: subject.from,
        subject: 'Order SR-ABCD2345 received',
        messageId,
      });
      expect(email?.html).toContain('<p>Thank <b>you</b></p>');
      expect(email?.text.trim()).toBe('Thank you');
    });

    it('keeps non-ASCII text intact in the subject and both bodies', async () => {
      const to = 'zoe@example.com';
      const words = 'Grüße, Zoë — 5 € über «Läufer» 🏃';
      await subject.mailer.send({ to, subject: words, html: `<p>${words}</p>`, text: words });
      const [email] = await deliveredTo(to);
      expect(email?.subject).toBe(words);
      expect(email?.html).toContain(words);
      expect(email?.text).toContain(words);
    });

    it('gives each message its own Message-ID, and the same one for the same id', async () => {
      const send = (id?: string) =>
        subject.mailer.send({
          to: 'ids@example.com',
          subject: 'Ids',
          html: '<p>x</p>',
          text: 'x',
          ...(id ? { id } : {}),
        });
      const [a, b] = [await send(), await send()];
      expect(a.messageId).not.toBe(b.messageId);
      const stable = '0190a2b4-0000-7000-8000-00000000abcd';
      const [c, d] = [await send(stable), await send(stable)];
      expect(c.messageId).toBe(d.messageId);
      expect(c.messageId).toContain(stable);
    });

    it('keeps a subject on one line, so no header can be slipped in', async () => {
      await subject.mailer.send({
        to: 'headers@example.com',
        subject: 'Hello\r\nBcc: victim@example.com',
        html: '<p>x</p>',
        text: 'x',
      });
      const [email] = await deliveredTo('headers@example.com');
      expect(email?.subject).toBe('Hello Bcc: victim@example.com');
      expect(await deliveredTo('victim@example.com')).toEqual([]);
    });

    it('refuses what is not one address, before anything is sent', async () => {
      const before = (await subject.delivered()).length;
      for (const to of ['not an address', 'a@example.com, b@example.com', 'a@example.com\r\nb@x']) {
        await expect(
          subject.mailer.send({ to, subject: 'x', html: '<p>x</p>', text: 'x' }),
        ).rejects.toThrow(/not a single email address/);
      }
      expect((await subject.delivered()).length).toBe(before);
    });
  });
}

import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, silentLogger } from '../../../test/harness.js';
import { createDevMailbox, createMailer, createSmtpMailer } from './mailer.js';
import { mailerContract } from './mailer.contract.js';
import { startSmtpServer } from '../../../test/kits/notifications.js';

const from = 'Stride <orders@stride.local>';

mailerContract('dev mailbox', async () => {
  const mailer = createDevMailbox({ from });
  return {
    mailer,
    from,
    delivered: async () => [...mailer.messages],
    close: async () => {},
  };
});

mailerContract('SMTP (nodemailer to a real SMTP server)', async () => {
  const smtp = await startSmtpServer();
  return {
    mailer: createSmtpMailer(smtp.url, { from }),
    from,
    delivered: async () => smtp.messages,
    close: () => smtp.close(),
  };
});

const email = { to: 'ada@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };

describe('the SMTP mailer when delivery fails', () => {
  it('rejects when the server refuses the recipient, with the server’s answer', async () => {
    const smtp = await startSmtpServer();
    smtp.refuse(email.to);
    const mailer = createSmtpMailer(smtp.url, { from });
    await expect(mailer.send(email)).rejects.toThrow(/450 Mailbox temporarily unavailable/);
    expect(smtp.messages).toEqual([]);
    await smtp.close();
  });

  it('rejects at once when nothing listens', async () => {
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${await freePort()}`, { from });
    await expect(mailer.send(email)).rejects.toThrow(/ECONNREFUSED|connect/i);
  });

  it('gives up on a server that never answers once its send timeout passes', async () => {
    // Accepts connections and says nothing: without a bound, a send would wait for minutes.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, { from, sendTimeoutMs: 300 });
    const started = Date.now();
    await expect(mailer.send(email)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
});

describe('choosing the mailer', () => {
  it('sends over SMTP when SMTP_URL is set, and records in the dev mailbox otherwise', () => {
    const base = { MAIL_FROM: from, NODE_ENV: 'test' };
    expect(createMailer({ ...base, SMTP_URL: 'smtp://127.0.0.1:2525' }, silentLogger).kind).toBe(
      'smtp',
    );
    expect(createMailer(base, silentLogger).kind).toBe('dev');
  });

  it('keeps only the latest messages in the dev mailbox', async () => {
    const mailbox = createDevMailbox({ from, keep: 2 });
    for (const subject of ['one', 'two', 'three']) await mailbox.send({ ...email, subject });
    expect(mailbox.messages.map((m) => m.subject)).toEqual(['two', 'three']);
  });
});

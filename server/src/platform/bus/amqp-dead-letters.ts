import type { ChannelModel } from 'amqplib';
import type { EventEnvelope } from './port.js';

/** Bounds a dead-letter listing; the port has no paging and the admin API only shows a page anyway. */
const MAX_DEAD_LETTERS = 10_000;

/**
 * The events waiting in a dead-letter queue, oldest first, left where they are: each message is
 * read unacknowledged on a channel of its own and all are requeued before it closes, so browsing
 * never consumes the queue. A queue that does not exist (a consumer that never subscribed) has
 * none. A message that is not an event is reported and skipped.
 */
export async function browseDeadLetters(
  connection: ChannelModel,
  queue: string,
  report: (err: unknown, context: string) => void,
): Promise<EventEnvelope[]> {
  const ch = await connection.createChannel();
  ch.on('error', () => {});
  try {
    // checkQueue closes the channel on 404.
    const exists = await ch.checkQueue(queue).then(
      () => true,
      () => false,
    );
    if (!exists) return [];
    const out: EventEnvelope[] = [];
    while (out.length < MAX_DEAD_LETTERS) {
      const msg = await ch.get(queue, { noAck: false });
      if (!msg) break;
      try {
        out.push(JSON.parse(msg.content.toString('utf8')) as EventEnvelope);
      } catch (err) {
        report(err, `unparseable dead letter in ${queue}`);
      }
    }
    ch.nackAll(true);
    return out;
  } finally {
    await ch.close().catch(() => {});
  }
}

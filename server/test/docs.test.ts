import { describe, expect, it } from 'vitest';
import { definedEvents, generatedDocs } from '../scripts/docs/tables.js';
import { eventTypes } from '../src/platform/bus/events.js';

describe('docs taken from the code', () => {
  it('the tables taken from the code (settings, order statuses, events) are current', async () => {
    for (const file of await generatedDocs()) {
      expect(file.current, `${file.path} is stale: run \`npm run docs\``).toBe(file.expected);
    }
  });

  it("every event type the app defines is in a module's events.ts or a listed platform file, so the table lists it", async () => {
    await import('../src/modules/index.js');
    const listed = (await definedEvents()).map(({ event }) => event.name).sort();
    expect(
      eventTypes()
        .map((event) => event.name)
        .sort(),
    ).toEqual(listed);
    expect(listed.length).toBeGreaterThan(20);
  });
});

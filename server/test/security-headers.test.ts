import { describe, expect, it } from 'vitest';
import { bareApp } from './harness.js';

/**
 * `upgrade-insecure-requests` only where the store is served over https: at a plain-http address (a
 * LAN address in development) it would send every script and image to an https nobody answers.
 */
describe("a page's content security policy", () => {
  const policyWith = async (env: Record<string, string>) => {
    const app = await bareApp(env);
    try {
      const page = await app.inject('/health');
      return page.headers['content-security-policy'] as string;
    } finally {
      await app.close();
    }
  };

  it('asks browsers to upgrade requests only when PUBLIC_URL is https', async () => {
    expect(await policyWith({ PUBLIC_URL: 'https://shop.example.com' })).toContain(
      'upgrade-insecure-requests',
    );
    const plainHttp: Record<string, string>[] = [{}, { PUBLIC_URL: 'http://192.168.1.20:3000' }];
    for (const env of plainHttp) {
      const policy = await policyWith(env);
      expect(policy, JSON.stringify(env)).not.toContain('upgrade-insecure-requests');
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
    }
  });
});

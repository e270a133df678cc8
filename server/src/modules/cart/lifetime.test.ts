import { describe, expect, it } from 'vitest';
import { anonymous } from '../../platform/context.js';
import { describeEachBackend } from '../../../test/harness.js';
import { type AuthResult } from '../../../test/kits/accounts.js';
import { cartKey, userCartKey } from './store.js';
import { actorOf, cartKit, randomCartId } from './test-kit.js';

describeEachBackend('carts across sign-in and time on %s backends', (backend) => {
  const kit = cartKit(backend);
  const { ctx, takeVariants, takeVariant, call, ok, fails, newCart, getCart, add, register } = kit;

  describe('signing in', () => {
    it('merges the guest cart into the account cart, capping quantities', async () => {
      const [a, b] = await takeVariants(2, 50);
      if (!a || !b) throw new Error('no variants');
      const code = `MERGE${Date.now().toString(36).toUpperCase()}`;
      await ctx.store.services.pricing.discounts.create(anonymous, {
        code,
        kind: 'percent',
        value: 5,
        currency: 'USD',
        minSubtotal: 0,
        active: true,
      });
      const user = await register();
      const mine = await newCart(user.accessToken);
      await add(mine.id, b.id, 5, user.accessToken);

      const guest = await newCart();
      await add(guest.id, a.id, 3);
      await add(guest.id, b.id, 8);
      await ok('POST', `/carts/${guest.id}/discount`, { code });

      const login = await call('POST', '/auth/login', {
        email: user.user.email,
        password: user.password,
        cartId: guest.id,
      });
      expect(login.statusCode, login.body).toBe(200);
      expect(Object.keys(login.json() as object).sort()).toEqual([
        'accessToken',
        'expiresIn',
        'refreshToken',
        'user',
      ]);
      const token = (login.json() as AuthResult).accessToken;

      const merged = await getCart(mine.id, token);
      const quantities = Object.fromEntries(merged.items.map((i) => [i.variantId, i.quantity]));
      expect(quantities).toEqual({ [a.id]: 3, [b.id]: 10 });
      expect(merged.discountCode).toBe(code);
      await fails(404, 'GET', `/carts/${guest.id}`);
      expect((await newCart(token)).id).toBe(mine.id);

      // A cart id that is unknown, or not a cart id at all, never fails the sign-in.
      for (const cartId of [randomCartId(), 'garbage']) {
        const again = await call('POST', '/auth/login', {
          email: user.user.email,
          password: user.password,
          cartId,
        });
        expect(again.statusCode).toBe(200);
      }
    });

    it('ignores a cart that belongs to another user and caps at what is available', async () => {
      const variant = await takeVariant(4);
      const [me, other] = [await register(), await register()];
      const theirs = await newCart(other.accessToken);
      await add(theirs.id, variant.id, 2, other.accessToken);
      const cart = ctx.store.services.cart;

      const mine = await cart.mergeGuestCart(actorOf(me), theirs.id);
      expect(mine.items).toEqual([]);
      expect((await getCart(theirs.id, other.accessToken)).items).toHaveLength(1);

      const guest = await newCart();
      await add(guest.id, variant.id, 4);
      await cart.addItem(actorOf(me), mine.id, { variantId: variant.id, quantity: 3 });
      const merged = await cart.mergeGuestCart(actorOf(me), guest.id);
      expect(merged.items[0]?.quantity).toBe(4);

      await cart.clear(actorOf(me), mine.id);
      expect((await getCart(mine.id, me.accessToken)).items).toEqual([]);
    });
  });

  describe('expiry', () => {
    it('renews the time to live of a cart and its owner pointer on every read', async () => {
      const cache = ctx.store.adapters.cache;
      const user = await register();
      const owned = await newCart(user.accessToken);
      const [kept, forgotten] = [await newCart(), await newCart()];
      for (const key of [cartKey(kept.id), cartKey(forgotten.id), cartKey(owned.id)]) {
        expect(await cache.expire(key, 1)).toBe(true);
      }
      expect(await cache.expire(userCartKey(user.user.id), 1)).toBe(true);
      await getCart(kept.id);
      await getCart(owned.id, user.accessToken);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await getCart(kept.id);
      await fails(404, 'GET', `/carts/${forgotten.id}`);
      expect((await newCart(user.accessToken)).id).toBe(owned.id);
    });
  });
});

import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { problemOf } from '../../test/problems';
import { renderWithStore } from '../../test/render';
import DiscountsPage from './DiscountsPage';

const noDiscounts = { 'GET /api/v1/admin/discounts': { body: { items: [], nextCursor: null } } };

/** The problem beside the field labelled `label` in `form` (both forms have a "Percent"). */
function problemIn(form: HTMLElement, label: string) {
  const field = [...form.querySelectorAll<HTMLElement>('input, select')].find(
    (control) => form.querySelector(`label[for="${control.id}"]`)?.textContent === label,
  );
  if (!field) throw new Error(`No field labelled ${label}`);
  return problemOf(field);
}

describe('the new discount form', () => {
  it('refuses a percent over 100 beside its field, with every other problem at once', async () => {
    const api = fakeApi(noDiscounts);
    const { user } = renderWithStore(<DiscountsPage />);
    const form = screen.getByRole('form', { name: 'New discount' });
    await user.type(screen.getByLabelText('Code'), 'x!');
    await user.type(screen.getByLabelText('Percent'), '150');
    await user.type(screen.getByLabelText('Minimum order ($)'), 'fifty');
    await user.type(screen.getByLabelText('Uses at most'), '0');
    await user.click(screen.getByRole('button', { name: 'Create discount' }));
    await waitFor(() =>
      expect(problemIn(form, 'Percent')).toBe('A whole percentage from 1 to 100.'),
    );
    expect(problemIn(form, 'Code')).toBe('3 to 32 letters, digits, - or _.');
    expect(problemIn(form, 'Minimum order ($)')).toBe('An amount like 50.00, or empty.');
    expect(problemIn(form, 'Uses at most')).toBe('A whole number, or empty for none.');
    expect(problemIn(form, 'Ends on')).toBeUndefined();
    expect(api.sent.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('takes an amount off in cents and sends the code in capitals', async () => {
    const api = fakeApi({
      ...noDiscounts,
      'POST /api/v1/admin/discounts': { status: 201, body: { id: 'd-1' } },
    });
    const { user } = renderWithStore(<DiscountsPage />);
    const form = screen.getByRole('form', { name: 'New discount' });
    await user.type(screen.getByLabelText('Code'), ' spring10 ');
    await user.selectOptions(screen.getByLabelText('Kind'), 'fixed');
    // The value is an amount now: 150 is fine, 10.005 is not.
    await user.type(screen.getByLabelText('Amount ($)'), '10.005');
    await user.click(screen.getByRole('button', { name: 'Create discount' }));
    await waitFor(() => expect(problemIn(form, 'Amount ($)')).toBe('An amount like 10.00.'));
    await user.clear(screen.getByLabelText('Amount ($)'));
    await user.type(screen.getByLabelText('Amount ($)'), '150');
    await user.type(screen.getByLabelText('Ends on'), '2031-05-31');
    await user.click(screen.getByRole('button', { name: 'Create discount' }));
    await waitFor(() =>
      expect(api.sent.find((request) => request.method === 'POST')?.body).toEqual({
        code: 'SPRING10',
        kind: 'fixed',
        value: 15000,
        minSubtotal: 0,
        endsAt: '2031-05-31T23:59:59.000Z',
      }),
    );
  });
});

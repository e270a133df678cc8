import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { problemOf } from '../../test/problems';
import { renderWithStore, testQueryClient } from '../../test/render';
import { shippingCountriesQuery } from '../addresses/api';
import { AddressForm } from './AddressForm';

function renderForm() {
  const queryClient = testQueryClient();
  queryClient.setQueryData(shippingCountriesQuery.queryKey, [
    { code: 'US', regionRequired: true },
    { code: 'GB', regionRequired: false },
  ]);
  const onDone = vi.fn();
  return {
    ...renderWithStore(<AddressForm onDone={onDone} onCancel={() => {}} />, { queryClient }),
    onDone,
  };
}

const problemAt = (label: string) => problemOf(screen.getByLabelText(label));

describe('the address form', () => {
  it('shows every problem beside its field at once, and sends nothing', async () => {
    const api = fakeApi({});
    const { user } = renderForm();
    await user.type(screen.getByLabelText('Postal code'), '%%');
    await user.click(screen.getByRole('button', { name: 'Add address' }));
    await waitFor(() => expect(problemAt('First name')).toBe('Enter the first name.'));
    expect(problemAt('Last name')).toBe('Enter the last name.');
    expect(problemAt('Address')).toBe('Enter the address.');
    expect(problemAt('City')).toBe('Enter the city.');
    expect(problemAt('Postal code')).toBe('Enter a valid postal code.');
    // A US address needs its state's two-letter code (the API's regionRequired).
    expect(problemAt('State or region')).toContain('Enter the two-letter state or province code');
    expect(problemAt('Apartment, suite (optional)')).toBeUndefined();
    expect(document.activeElement).toBe(screen.getByLabelText('First name'));
    expect(api.sent).toEqual([]);
  });

  it('sends the address as the API takes it, optional fields empty as null', async () => {
    const api = fakeApi({ 'POST /api/v1/me/addresses': { status: 201, body: { id: 'a-1' } } });
    const { user, onDone } = renderForm();
    // A new address starts in the first country the store ships to.
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLSelectElement>('Country').value).toBe('US'),
    );
    await user.selectOptions(screen.getByLabelText('Country'), 'GB');
    expect(screen.getByLabelText('State or region (optional)')).toBeDefined();
    await user.type(screen.getByLabelText('First name'), ' Ada ');
    await user.type(screen.getByLabelText('Last name'), 'Runner');
    await user.type(screen.getByLabelText('Address'), '2 Mile End Road');
    await user.type(screen.getByLabelText('City'), 'London');
    await user.type(screen.getByLabelText('Postal code'), 'E1 4NS');
    await user.click(screen.getByLabelText('Use as my default shipping address'));
    await user.click(screen.getByRole('button', { name: 'Add address' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('Address added.'));
    expect(api.sent.find((request) => request.method === 'POST')?.body).toEqual({
      firstName: 'Ada',
      lastName: 'Runner',
      line1: '2 Mile End Road',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'E1 4NS',
      country: 'GB',
      phone: null,
      isDefaultShipping: true,
    });
  });

  it('puts the API’s field problems beside their fields', async () => {
    fakeApi({
      'POST /api/v1/me/addresses': {
        status: 422,
        body: {
          title: 'Invalid request',
          detail: 'The address was refused.',
          errors: [{ path: '/body/postalCode', message: 'is not a postal code of GB' }],
        },
      },
    });
    const { user, onDone } = renderForm();
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLSelectElement>('Country').value).toBe('US'),
    );
    await user.selectOptions(screen.getByLabelText('Country'), 'GB');
    for (const [label, text] of [
      ['First name', 'Ada'],
      ['Last name', 'Runner'],
      ['Address', '1 Road'],
      ['City', 'London'],
      ['Postal code', '00000'],
    ])
      await user.type(screen.getByLabelText(label!), text!);
    await user.click(screen.getByRole('button', { name: 'Add address' }));
    await waitFor(() =>
      expect(problemAt('Postal code')).toBe('Postal code is not a postal code of GB.'),
    );
    expect(onDone).not.toHaveBeenCalled();
  });
});

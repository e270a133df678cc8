import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { problemOf } from '../../test/problems';
import { renderWithStore } from '../../test/render';
import { SignInPage } from './SignInPage';
import { SignUpPage } from './SignUpPage';

const errorOf = (label: string) => problemOf(screen.getByLabelText(label));

describe('signing up', () => {
  it('says every problem beside its field and puts focus on the first', async () => {
    const api = fakeApi({});
    const { user } = renderWithStore(<SignUpPage />, { route: '/sign-up' });
    await user.type(screen.getByLabelText('Email'), 'ada@example');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(errorOf('First name')).toBe('Enter your first name.'));
    expect(errorOf('Last name')).toBe('Enter your last name.');
    expect(errorOf('Email')).toBe('Enter an email address like name@example.com.');
    expect(errorOf('Password')).toBe('Use at least 10 characters.');
    expect(document.activeElement).toBe(screen.getByLabelText('First name'));
    expect(api.sent).toEqual([]);
  });

  it('shows the API’s “email taken” beside the email', async () => {
    const api = fakeApi({
      'POST /api/v1/auth/register': {
        status: 409,
        body: { code: 'email_taken', detail: 'An account with this email exists.' },
      },
    });
    const { user } = renderWithStore(<SignUpPage />, { route: '/sign-up' });
    await user.type(screen.getByLabelText('First name'), 'Ada');
    await user.type(screen.getByLabelText('Last name'), 'Runner');
    await user.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await user.type(screen.getByLabelText('Password'), 'a long enough passphrase');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(errorOf('Email')).toMatch(/already exists/));
    expect(api.sent[0]?.body).toEqual({
      firstName: 'Ada',
      lastName: 'Runner',
      email: 'ada@example.com',
      password: 'a long enough passphrase',
    });
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
  });
});

describe('signing in', () => {
  it('asks for both fields before sending, and says a wrong password above the form', async () => {
    const api = fakeApi({
      'POST /api/v1/auth/login': { status: 401, body: { code: 'invalid_credentials' } },
    });
    const { user } = renderWithStore(<SignInPage />, { route: '/sign-in' });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(errorOf('Email')).toBe('Enter your email address.'));
    expect(errorOf('Password')).toBe('Enter your password.');
    expect(api.sent).toEqual([]);

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), ' not it ');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/don’t match an account/);
    await waitFor(() => expect(document.activeElement).toBe(alert));
    // A password is sent as typed, spaces and all.
    expect(api.sent[0]?.body).toEqual({ email: 'ada@example.com', password: ' not it ' });
  });
});

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, call, type User } from '../../api/client';
import { session } from '../../auth/session';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import {
  Field,
  FormAlert,
  feedbackFrom,
  passwordRules,
  rawOf,
  textOf,
  useFormFeedback,
  type FieldErrors,
} from '../../lib/forms';
import { newPasswordProblem } from './account-schemas';

type NameField = 'firstName' | 'lastName';
const nameLabels: Record<NameField, string> = { firstName: 'First name', lastName: 'Last name' };

/** Names can be changed; the email cannot (the API offers no way to, since it is how one signs in). */
export function ProfileSection({ user }: { user: User }) {
  useDocumentTitle('Your profile');
  const feedback = useFormFeedback<NameField>();
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    const body = { firstName: textOf(data, 'firstName'), lastName: textOf(data, 'lastName') };
    const errors: FieldErrors<NameField> = {};
    for (const field of ['firstName', 'lastName'] as const) {
      if (!body[field]) errors[field] = `Enter your ${nameLabels[field].toLowerCase()}.`;
      else if (body[field].length > 100) errors[field] = 'Use at most 100 characters.';
    }
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });

    feedback.clear();
    setPending(true);
    try {
      session.updateUser(await call(api.PATCH('/api/v1/me', { body })));
      setSaved(true);
    } catch (error) {
      feedback.fail(feedbackFrom(error, nameLabels));
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
        <FormAlert>{feedback.formError}</FormAlert>
        <div className="form__row">
          <Field
            label="First name"
            name="firstName"
            autoComplete="given-name"
            defaultValue={user.firstName}
            maxLength={100}
            required
            error={feedback.errors.firstName}
          />
          <Field
            label="Last name"
            name="lastName"
            autoComplete="family-name"
            defaultValue={user.lastName}
            maxLength={100}
            required
            error={feedback.errors.lastName}
          />
        </div>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={user.email}
          readOnly
          hint="You sign in with this address; it can’t be changed here."
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={pending}>
            {pending ? 'Saving…' : 'Save profile'}
          </button>
        </div>
        <p role="status" className="form__status">
          {saved ? 'Your profile has been saved.' : ''}
        </p>
      </form>
    </section>
  );
}

type PasswordField = 'currentPassword' | 'newPassword';
const passwordLabels: Record<PasswordField, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
};

function passwordProblemOf(error: unknown) {
  if (error instanceof ApiError && error.code === 'invalid_credentials') {
    return { fields: { currentPassword: 'That isn’t your current password.' }, form: null };
  }
  if (error instanceof ApiError && error.status === 429) {
    return {
      fields: {},
      form: (
        <p>
          <strong>Too many attempts.</strong> Wait a few minutes and try again, or{' '}
          <Link to="/reset-password">reset your password by email</Link>.
        </p>
      ),
    };
  }
  return feedbackFrom(error, passwordLabels);
}

/** Changing the password keeps this device signed in and signs out every other one (the API's rule). */
export function PasswordSection({ email }: { email: string }) {
  useDocumentTitle('Change your password');
  const feedback = useFormFeedback<PasswordField>();
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = event.currentTarget;
    const data = new FormData(form);
    const body = {
      currentPassword: rawOf(data, 'currentPassword'),
      newPassword: rawOf(data, 'newPassword'),
    };
    const errors: FieldErrors<PasswordField> = {};
    if (!body.currentPassword) errors.currentPassword = 'Enter your current password.';
    const problem = newPasswordProblem(body.newPassword);
    if (problem) errors.newPassword = problem;
    else if (body.newPassword === body.currentPassword)
      errors.newPassword = 'Choose a password different from your current one.';
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });

    feedback.clear();
    setPending(true);
    try {
      await call(api.POST('/api/v1/me/password', { body }));
      // Nothing typed stays on screen once it has been used.
      form.reset();
      setSaved(true);
    } catch (error) {
      feedback.fail(passwordProblemOf(error));
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
        <FormAlert>{feedback.formError}</FormAlert>
        {/* Lets password managers file the new password under the right account. */}
        <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={feedback.errors.currentPassword}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={128}
          required
          hint={passwordRules}
          error={feedback.errors.newPassword}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={pending}>
            {pending ? 'Changing…' : 'Change password'}
          </button>
        </div>
        <p role="status" className="form__status">
          {saved
            ? 'Your password has been changed. Other devices signed in to your account have been signed out.'
            : ''}
        </p>
      </form>
    </section>
  );
}

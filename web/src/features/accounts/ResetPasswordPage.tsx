import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import {
  Done,
  emailPattern,
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
import './accounts.css';

/** Step one: ask for a link. The answer never says whether the account exists. */
function RequestLinkForm() {
  const feedback = useFormFeedback<'email'>();
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = textOf(new FormData(event.currentTarget), 'email');
    if (!email)
      return feedback.fail({ fields: { email: 'Enter your email address.' }, form: null });
    if (!emailPattern.test(email)) {
      return feedback.fail({
        fields: { email: 'Enter an email address like name@example.com.' },
        form: null,
      });
    }
    feedback.clear();
    setPending(true);
    try {
      await call(api.POST('/api/v1/auth/password-reset', { body: { email } }));
      setSentTo(email);
    } catch (error) {
      feedback.fail(
        error instanceof ApiError && error.status === 429
          ? { fields: {}, form: 'Too many requests. Wait a minute and try again.' }
          : feedbackFrom(error, { email: 'Email' }),
      );
    } finally {
      setPending(false);
    }
  }

  if (sentTo) {
    return (
      <Done>
        <p>
          If an account exists for <strong>{sentTo}</strong>, we have sent it a link to reset the
          password. The link works for 30 minutes. Check your spam folder if it doesn’t arrive.
        </p>
      </Done>
    );
  }
  return (
    <>
      <p className="auth-page__intro">
        Enter the email address of your account and we’ll send you a link to choose a new password.
      </p>
      <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
        <FormAlert>{feedback.formError}</FormAlert>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
          error={feedback.errors.email}
        />
        <div className="form__actions">
          <button type="submit" className="button button--wide" disabled={pending}>
            {pending ? 'Sending…' : 'Email me a reset link'}
          </button>
        </div>
      </form>
    </>
  );
}

type NewPasswordField = 'password' | 'confirm';

/** Step two, from the emailed link: choose the new password. */
function NewPasswordForm({ token }: { token: string }) {
  const feedback = useFormFeedback<NewPasswordField>();
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = rawOf(data, 'password');
    const confirm = rawOf(data, 'confirm');
    const errors: FieldErrors<NewPasswordField> = {};
    const problem = newPasswordProblem(password);
    if (problem) errors.password = problem;
    if (!confirm) errors.confirm = 'Enter the new password again.';
    else if (confirm !== password) errors.confirm = 'The two passwords don’t match.';
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });

    feedback.clear();
    setPending(true);
    try {
      await call(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }));
      setDone(true);
    } catch (error) {
      setPending(false);
      if (error instanceof ApiError && error.code === 'invalid_token') {
        return feedback.fail({
          fields: {},
          form: (
            <p>
              <strong>This reset link is invalid or has expired.</strong> Links work once, for 30
              minutes. <Link to="/reset-password">Request a new link</Link>.
            </p>
          ),
        });
      }
      feedback.fail(
        error instanceof ApiError && error.status === 429
          ? { fields: {}, form: 'Too many attempts. Wait a minute and try again.' }
          : feedbackFrom(error, { password: 'Password', confirm: 'Password' }),
      );
    }
  }

  if (done) {
    return (
      <Done>
        <p>
          Your password has been changed, and every device signed in to your account has been signed
          out. <Link to="/sign-in">Sign in with your new password</Link>.
        </p>
      </Done>
    );
  }
  return (
    <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
      <FormAlert>{feedback.formError}</FormAlert>
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={10}
        maxLength={128}
        required
        hint={passwordRules}
        error={feedback.errors.password}
      />
      <Field
        label="Confirm new password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        error={feedback.errors.confirm}
      />
      <div className="form__actions">
        <button type="submit" className="button button--wide" disabled={pending}>
          {pending ? 'Saving…' : 'Set new password'}
        </button>
      </div>
    </form>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  useDocumentTitle(token ? 'Choose a new password' : 'Reset your password');
  return (
    <section className="page page--narrow auth-page" aria-labelledby="reset-heading">
      <h1 id="reset-heading">{token ? 'Choose a new password' : 'Reset your password'}</h1>
      {token ? <NewPasswordForm key={token} token={token} /> : <RequestLinkForm />}
      <p className="auth-page__switch">
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}

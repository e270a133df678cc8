import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import {
  emailPattern,
  Field,
  FormAlert,
  feedbackFrom,
  newPasswordProblem,
  passwordRules,
  rawOf,
  textOf,
  useFormFeedback,
  type FieldErrors,
} from '../../lib/forms';
import { keepSignIn, safeNext, withNext } from './session-actions';
import './accounts.css';

type SignUpField = 'firstName' | 'lastName' | 'email' | 'password';
const labels: Record<SignUpField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  password: 'Password',
};

function problemOf(error: unknown) {
  if (error instanceof ApiError && error.code === 'email_taken') {
    return {
      fields: {
        email: 'An account with this email already exists. Sign in, or reset its password.',
      },
      form: null,
    };
  }
  if (error instanceof ApiError && error.status === 429) {
    return {
      fields: {},
      form: `Too many attempts from this connection. ${error.message} Wait a minute and try again.`,
    };
  }
  return feedbackFrom(error, labels);
}

export function SignUpPage() {
  useDocumentTitle('Create an account');
  const { user, settled } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const feedback = useFormFeedback<SignUpField>();
  const [pending, setPending] = useState(false);
  const next = safeNext(params.get('next'));

  if (user && !pending) return <Navigate to={next} replace />;
  if (!settled) return <Loading label="Checking whether you are signed in…" />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body = {
      firstName: textOf(data, 'firstName'),
      lastName: textOf(data, 'lastName'),
      email: textOf(data, 'email'),
      password: rawOf(data, 'password'),
    };
    const errors: FieldErrors<SignUpField> = {};
    if (!body.firstName) errors.firstName = 'Enter your first name.';
    else if (body.firstName.length > 100) errors.firstName = 'Use at most 100 characters.';
    if (!body.lastName) errors.lastName = 'Enter your last name.';
    else if (body.lastName.length > 100) errors.lastName = 'Use at most 100 characters.';
    if (!body.email) errors.email = 'Enter your email address.';
    else if (!emailPattern.test(body.email))
      errors.email = 'Enter an email address like name@example.com.';
    const passwordProblem = newPasswordProblem(body.password);
    if (passwordProblem) errors.password = passwordProblem;
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });

    feedback.clear();
    setPending(true);
    try {
      const result = await call(api.POST('/api/v1/auth/register', { body }));
      // Registering merges no bag (the API takes no cart id there), so a guest bag is kept as it is:
      // its id still works for the new account, and checkout accepts it.
      await keepSignIn(queryClient, result, { adoptCart: false });
      await navigate(next, { replace: true });
    } catch (error) {
      setPending(false);
      feedback.fail(problemOf(error));
    }
  }

  return (
    <section className="page page--narrow auth-page" aria-labelledby="sign-up-heading">
      <h1 id="sign-up-heading">Create an account</h1>
      <p className="auth-page__intro">
        Track your orders and check out faster with saved addresses.
      </p>
      <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
        <FormAlert>{feedback.formError}</FormAlert>
        <div className="form__row">
          <Field
            label="First name"
            name="firstName"
            autoComplete="given-name"
            maxLength={100}
            required
            error={feedback.errors.firstName}
          />
          <Field
            label="Last name"
            name="lastName"
            autoComplete="family-name"
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
          inputMode="email"
          spellCheck={false}
          required
          error={feedback.errors.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={128}
          required
          hint={passwordRules}
          error={feedback.errors.password}
        />
        <div className="form__actions">
          <button type="submit" className="button button--wide" disabled={pending}>
            {pending ? 'Creating your account…' : 'Create account'}
          </button>
        </div>
      </form>
      <p className="auth-page__switch">
        Already have an account? <Link to={withNext('/sign-in', next)}>Sign in</Link>
      </p>
    </section>
  );
}

import {
  useEffect,
  useId,
  useRef,
  useState,
  type ComponentPropsWithRef,
  type ReactNode,
} from 'react';
import { ApiError } from '../api/client';

/** The forms' shared parts: labelled fields tied to their messages, and failure handling. */

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface ShellProps {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** The control's id, where a page or its tests name it; a generated one otherwise. */
  id?: string;
  /** The wrapper's classes besides `field`, for a form's own layout. */
  className?: string;
}

function FieldShell({
  label,
  hint,
  error,
  id: givenId,
  className,
  children,
}: ShellProps & { children: (control: ControlProps) => ReactNode }) {
  const generatedId = useId();
  const id = givenId ?? generatedId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled input; `ref` reaches the input, so `react-hook-form`'s `register` can be spread on it. */
export function Field({
  label,
  hint,
  error,
  id,
  className,
  ...input
}: ShellProps & Omit<ComponentPropsWithRef<'input'>, 'id' | 'className'>) {
  return (
    <FieldShell label={label} hint={hint} error={error} id={id} className={className}>
      {(control) => <input {...input} {...control} />}
    </FieldShell>
  );
}

export function SelectField({
  label,
  hint,
  error,
  id,
  className,
  children,
  ...select
}: ShellProps & Omit<ComponentPropsWithRef<'select'>, 'id' | 'className'>) {
  return (
    <FieldShell label={label} hint={hint} error={error} id={id} className={className}>
      {(control) => (
        <select {...select} {...control}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

/** A problem with the whole form (wrong password, too many tries, no connection). */
export function FormAlert({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="notice notice--error form-alert" role="alert" tabIndex={-1} data-form-alert>
      {children}
    </div>
  );
}

/**
 * A success that replaces the form the shopper just sent: focus moves to it, since the button they
 * pressed is gone, and it is read out.
 */
export function Done({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className="notice notice--success" role="status">
      {children}
    </div>
  );
}

/** "must be at least 10 characters" reads better as "Password must be at least 10 characters." */
function sentence(label: string, message: string): string {
  const fragment = /^[a-z]/.test(message);
  const text = !fragment
    ? message
    : label
      ? `${label} ${message}`
      : `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export interface Feedback<F extends string> {
  fields: FieldErrors<F>;
  form: ReactNode;
}

/**
 * The field problems an API answer carried (its `errors[]`), worded with each field's label;
 * problems about no field the form shows, and any other failure, become the form's message.
 */
export function feedbackFrom<F extends string>(
  error: unknown,
  labels: Record<F, string>,
): Feedback<F> {
  if (!(error instanceof ApiError)) {
    return { fields: {}, form: 'Something went wrong. Please try again.' };
  }
  const names = Object.keys(labels) as F[];
  const fields: FieldErrors<F> = {};
  for (const name of names) {
    const message = error.fieldMessage(name);
    if (message) fields[name] = sentence(labels[name], message);
  }
  // The same matching as `ApiError.fieldMessage`: on the last segment of the problem's path.
  const unmatched = error.fieldErrors.filter(
    ({ path }) =>
      !names.some(
        (name) => path === name || path.endsWith(`.${name}`) || path.endsWith(`/${name}`),
      ),
  );
  if (Object.keys(fields).length > 0 && unmatched.length === 0) return { fields, form: null };
  const form = [error.message, ...unmatched.map((problem) => sentence('', problem.message))].join(
    ' ',
  );
  return { fields, form };
}

/**
 * A form's problems after a failed submit. Each failure moves focus to the first field with a
 * problem, or to the form's message when no field has one, so keyboard and screen-reader users land
 * where they need to act (the message is also announced, being an alert).
 */
export function useFormFeedback<F extends string>() {
  // Found by id rather than held in a ref, so what the hook returns is plain render data.
  const formId = useId();
  const [state, setState] = useState<Feedback<F> & { failures: number }>({
    fields: {},
    form: null,
    failures: 0,
  });

  useEffect(() => {
    if (state.failures === 0) return;
    const form = document.getElementById(formId);
    const target =
      form?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form?.querySelector<HTMLElement>('[data-form-alert]');
    target?.focus();
  }, [state.failures, formId]);

  function fail(feedback: Feedback<F>) {
    setState((current) => ({ ...feedback, failures: current.failures + 1 }));
  }
  return {
    formId,
    errors: state.fields,
    formError: state.form,
    fail,
    /**
     * The same for a `react-hook-form` form, which holds its fields' problems itself: each is given
     * to it (`setError`), the form's own message stays here.
     */
    failInto(setError: (name: F, error: { message: string }) => void, feedback: Feedback<F>) {
      for (const [name, message] of Object.entries(feedback.fields) as [F, string][])
        setError(name, { message });
      fail({ fields: {}, form: feedback.form });
    },
    clear() {
      setState((current) => ({ fields: {}, form: null, failures: current.failures }));
    },
  };
}

/** Trimmed text of a named control (FormData gives strings for text inputs). */
export const textOf = (data: FormData, name: string): string => {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

/** Passwords are sent as typed: spaces may be part of a passphrase. */
export const rawOf = (data: FormData, name: string): string => {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
};

export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const passwordRules =
  'At least 10 characters. A passphrase works well; common passwords and ones containing your email address are refused.';

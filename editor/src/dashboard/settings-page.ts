/**
 * The Settings page: a form generated from the settings' JSON Schema (types, ranges, enums as
 * selects) filled from `GET /api/settings`, saved with `PUT /api/settings` (only the settings
 * that were changed). Each setting says when a change applies (at once, or after a restart),
 * its default, and whether it is overridden; "Reset to default" sends `null` for it. Values the
 * schema rules out are caught before sending; the server's 400s (`invalid_input`,
 * `provider_unavailable`) are shown next to the field they are about.
 */
import { ApiError, getJson, sendJson } from '../api.js';
import { button, el } from '../ui/dom.js';
import type { Connection } from './connection.js';
import { describeError } from './connection.js';
import { formatBytes, labelOfKey } from './format.js';
import { fieldSpecs, parseField, problemsByField, sameValue, toInputText, type FieldSpec } from './settings-fields.js';
import type { DashboardPage } from './tabs.js';
import { badge, messageLine, muted, showMessage } from './view.js';
import type { HealthReport, JsonSchema, SettingsView, SettingValue } from './wire.js';

interface FieldView {
  spec: FieldSpec;
  control: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

function control(spec: FieldSpec, value: SettingValue | undefined): HTMLInputElement | HTMLSelectElement {
  const id = `setting-${spec.key}`;
  const common = { id, name: spec.key, 'aria-describedby': `hint-${spec.key} error-${spec.key}`, 'data-testid': id };
  const field = spec.field;
  if (field.kind === 'enum') {
    const options = [...(field.nullable ? [''] : []), ...field.options];
    const select = el('select', common, options.map((option) => el('option', { value: option }, [option === '' ? '(none)' : option])));
    select.value = toInputText(value);
    return select;
  }
  const input = field.kind === 'number'
    ? el('input', { ...common, type: 'number', inputmode: field.integer ? 'numeric' : 'decimal', step: field.integer ? '1' : 'any', min: field.min ?? field.exclusiveMin, max: field.max })
    : el('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false' });
  input.value = toInputText(value);
  return input;
}

function defaultText(value: SettingValue | undefined): string {
  return value === null || value === undefined ? 'none' : toInputText(value);
}

export function settingsPage(connection: Connection, schema: JsonSchema): DashboardPage {
  const specs = fieldSpecs(schema);
  const keys = specs.map((s) => s.key);
  const message = messageLine('settings-message');
  const fieldsHost = el('div', { className: 'settings-fields' }, [muted('Loading…')]);
  const save = el('button', { type: 'submit', className: 'primary', 'data-testid': 'settings-save' }, ['Save changes']);
  const undo = button('Undo edits', () => view && render(view), { 'data-testid': 'settings-undo' });
  const form = el('form', { className: 'settings-form', novalidate: true, 'data-testid': 'settings-form', 'aria-label': 'Server settings' }, [
    fieldsHost,
    el('div', { className: 'form-actions' }, [save, undo, message]),
  ]);
  const element = el('div', {}, [
    specs.length === 0 ? muted('This page came without the settings\' schema: reload it, or rebuild the editor (node editor/build.mjs).', 'settings-no-schema') : form,
  ]);
  let view: SettingsView | undefined;
  let fields: FieldView[] = [];
  let providersHere: string[] | undefined;

  function setError(field: FieldView, text: string | undefined): void {
    field.error.textContent = text ?? '';
    field.error.hidden = text === undefined;
    if (text === undefined) field.control.removeAttribute('aria-invalid');
    else field.control.setAttribute('aria-invalid', 'true');
  }

  function fieldView(spec: FieldSpec, current: SettingsView): { row: HTMLElement; field: FieldView } {
    const value = current.settings[spec.key];
    const input = control(spec, value);
    const error = el('p', { className: 'field-error', id: `error-${spec.key}`, 'data-testid': `error-${spec.key}` });
    error.hidden = true;
    const overridden = Object.prototype.hasOwnProperty.call(current.overrides, spec.key);
    const effect = current.effects[spec.key] ?? 'restart';
    const bytes = spec.key.endsWith('Bytes') ? el('output', { className: 'setting-bytes', for: input.id }) : undefined;
    const showBytes = () => {
      if (!bytes) return;
      const n = Number(input.value);
      bytes.textContent = input.value.trim() !== '' && Number.isFinite(n) ? `= ${formatBytes(n)}` : '';
    };
    showBytes();
    const field = { spec, control: input, error };
    input.addEventListener('input', () => {
      showBytes();
      setError(field, undefined);
    });
    const hint = [spec.description, `Default: ${defaultText(current.defaults[spec.key])}.`];
    if (spec.key === 'executionProviders' && providersHere) hint.push(`Available here: ${providersHere.join(', ')}.`);
    const row = el('div', { className: 'setting', 'data-key': spec.key, 'data-testid': `row-${spec.key}` }, [
      el('div', { className: 'setting-head' }, [
        el('label', { for: input.id }, [labelOfKey(spec.key)]),
        badge(effect === 'live' ? 'applies at once' : 'after restart', effect),
        overridden ? badge('overridden', 'override', 'Set by an operator; the default is shown below') : '',
        current.pendingRestart.includes(spec.key) ? badge('restart pending', 'pending', 'Changed since the server started: restart it to apply') : '',
      ]),
      el('div', { className: 'setting-control' }, [
        input,
        bytes ?? '',
        overridden ? button('Reset to default', () => void reset(spec.key), { 'data-testid': `reset-${spec.key}`, 'aria-label': `Reset ${labelOfKey(spec.key)} to its default` }) : '',
      ]),
      el('p', { className: 'setting-hint', id: `hint-${spec.key}` }, [hint.join(' ')]),
      error,
    ]);
    return { row, field };
  }

  function render(current: SettingsView): void {
    view = current;
    const built = specs.map((spec) => fieldView(spec, current));
    fields = built.map((b) => b.field);
    fieldsHost.replaceChildren(...built.map((b) => b.row));
  }

  function showProblems(error: ApiError): void {
    const byField = problemsByField(error.code, error.message, error.details, keys);
    let first: FieldView | undefined;
    for (const field of fields) {
      const problems = byField.get(field.spec.key);
      if (!problems) continue;
      setError(field, problems.join(' '));
      first ??= field;
    }
    const general = byField.get('');
    showMessage(message, general ? `Not saved: ${general.join(' ')}` : 'Not saved: the server refused the highlighted settings.', 'error');
    first?.control.focus();
  }

  function savedText(answer: SettingsView): string {
    const changed = answer.changed ?? [];
    if (changed.length === 0) return 'Saved: nothing changed.';
    const applied = answer.applied ?? [];
    const later = changed.filter((key) => !applied.includes(key));
    const parts = [`Saved ${changed.map(labelOfKey).join(', ')}.`];
    if (applied.length > 0) parts.push(`Applied now: ${applied.map(labelOfKey).join(', ')}.`);
    if (later.length > 0) parts.push(`Restart the server to apply: ${later.map(labelOfKey).join(', ')}.`);
    return parts.join(' ');
  }

  async function send(patch: Record<string, SettingValue>, done: (answer: SettingsView) => string): Promise<void> {
    save.disabled = true;
    try {
      const answer = await sendJson<SettingsView>('PUT', '/api/settings', patch);
      render(answer);
      showMessage(message, done(answer), 'ok');
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) showProblems(error);
      else showMessage(message, `Not saved: ${describeError(error)}`, 'error');
    } finally {
      save.disabled = false;
    }
  }

  async function reset(key: string): Promise<void> {
    await send({ [key]: null }, (answer) => `${labelOfKey(key)} is back to its default (${defaultText(answer.defaults[key])}).`);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!view) return;
    const patch: Record<string, SettingValue> = {};
    let firstInvalid: FieldView | undefined;
    for (const field of fields) {
      // A number box answers "" for text that is no number: say so rather than read it as empty.
      const unreadable = field.control instanceof HTMLInputElement && field.control.validity.badInput;
      const parsed = unreadable ? { ok: false as const, error: 'Enter a number.' } : parseField(field.control.value, field.spec.field);
      if (!parsed.ok) {
        setError(field, parsed.error);
        firstInvalid ??= field;
      } else {
        setError(field, undefined);
        if (!sameValue(parsed.value, view.settings[field.spec.key])) patch[field.spec.key] = parsed.value;
      }
    }
    if (firstInvalid) {
      showMessage(message, `Not saved: check ${labelOfKey(firstInvalid.spec.key)}.`, 'error');
      firstInvalid.control.focus();
      return;
    }
    if (Object.keys(patch).length === 0) {
      showMessage(message, 'Nothing to save: no setting was changed.', 'info');
      return;
    }
    showMessage(message, 'Saving…', 'info');
    void send(patch, savedText);
  });

  const load = async () => {
    if (providersHere === undefined) {
      providersHere = await getJson<HealthReport>('/api/health').then((h) => h.onnxruntime.available, () => undefined);
    }
    render(await getJson<SettingsView>('/api/settings'));
    connection.ok();
  };
  const loadReporting = () => void load().catch((error: unknown) => connection.failed(error));
  return {
    id: 'settings',
    title: 'Settings',
    element,
    // Not polled: a poll would overwrite what the operator is typing.
    show: loadReporting,
    hide() {},
    refresh: loadReporting,
  };
}

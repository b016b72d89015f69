import { z } from 'zod';
import { VariableNameTaken, type VariableRow } from '../../store/variables.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';

/** What `vars.NAME` can name without quotes: a JavaScript identifier, ASCII only. */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const VariableName = z
  .string()
  .trim()
  .min(1, 'give the variable a name')
  .max(100)
  .regex(NAME_PATTERN, 'use letters, digits and _ only, not starting with a digit (it is written vars.NAME)')
  .refine((name) => name !== '__proto__', 'this name is reserved')
  .describe('How expressions name it: `{{ vars.NAME }}` (letters, digits and _, not starting with a digit)');
const VariableValue = z
  .string()
  .max(10_000)
  .describe('The value, always text; not secret (secrets belong in credentials)');
const VariableDescription = z.string().trim().max(500).describe('What it is for, for the people who use it');

const VariableInput = z.strictObject({
  name: VariableName,
  value: VariableValue,
  description: VariableDescription.default(''),
});

const VariablePatch = z
  .strictObject({
    name: VariableName.optional(),
    value: VariableValue.optional(),
    description: VariableDescription.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change' });

export const Variable = z
  .object({
    id: z.string(),
    name: z.string(),
    value: z.string(),
    description: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Variable' });

const VariableId = z.strictObject({ id: z.uuid() });

/** 409 naming the name, for a name another variable has. */
async function unlessTaken<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof VariableNameTaken) throw new ApiError(409, 'name_taken', error.message);
    throw error;
  }
}

/** What the audit log keeps of a variable: its values are not secret, so old and new are both kept. */
const described = (variable: VariableRow) => ({
  name: variable.name,
  value: variable.value,
  description: variable.description,
});

export const variableRoutes = [
  // Everyone signed in reads them: analysts write `{{ vars.NAME }}` and need to see what exists.
  defineRoute({
    method: 'get',
    path: '/variables',
    operationId: 'listVariables',
    summary: 'Workspace variables by name, with their values (`{{ vars.NAME }}` in expressions, `vars` in scripts)',
    tag: 'Variables',
    access: 'view',
    responses: { 200: { description: 'Variables', schema: z.object({ items: z.array(Variable) }) } },
    async handler({ deps, c }) {
      return c.json({ items: await deps.repos.variables.list() });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/variables',
    operationId: 'createVariable',
    summary: 'Add a workspace variable; runs started from now on read it',
    tag: 'Variables',
    access: 'admin',
    body: VariableInput,
    responses: {
      201: { description: 'Added', schema: Variable },
      409: { description: 'A variable has this name already' },
    },
    async handler(request) {
      const { body, deps, c, caller } = request;
      const variable = await unlessTaken(() =>
        deps.repos.variables.insert({ ...body, createdBy: caller?.user.id ?? null }),
      );
      await audit(request, {
        action: 'variable.created',
        objectType: 'variable',
        objectId: variable.id,
        details: described(variable),
      });
      return c.json(variable, 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/variables/:id',
    operationId: 'updateVariable',
    summary:
      'Rename a workspace variable or change its value or description; runs already started keep the values they read',
    tag: 'Variables',
    access: 'admin',
    params: VariableId,
    body: VariablePatch,
    responses: {
      200: { description: 'The variable', schema: Variable },
      404: { description: 'No such variable' },
      409: { description: 'Another variable has this name' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const before = await deps.repos.variables.get(params.id);
      if (!before) throw notFound(`variable ${params.id}`);
      const variable = await unlessTaken(() => deps.repos.variables.update(params.id, body));
      if (!variable) throw notFound(`variable ${params.id}`);
      const changed = Object.fromEntries(
        Object.keys(body).map((field) => [
          field,
          { from: before[field as keyof typeof body], to: variable[field as keyof typeof body] },
        ]),
      );
      await audit(request, {
        action: 'variable.updated',
        objectType: 'variable',
        objectId: variable.id,
        details: { name: variable.name, changed },
      });
      return c.json(variable);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/variables/:id',
    operationId: 'deleteVariable',
    summary: 'Delete a workspace variable; expressions that name it read nothing from then on',
    tag: 'Variables',
    access: 'admin',
    params: VariableId,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such variable' } },
    async handler(request) {
      const { params, deps, c } = request;
      const deleted = await deps.repos.variables.delete(params.id);
      if (!deleted) throw notFound(`variable ${params.id}`);
      await audit(request, {
        action: 'variable.deleted',
        objectType: 'variable',
        objectId: params.id,
        details: described(deleted),
      });
      return c.body(null, 204);
    },
  }),
];

import { z } from 'zod';
import { template } from '../template.ts';
import { Operator, UNARY_OPERATORS } from './operators.ts';

/** One comparison of a condition: `left <operator> right`, both sides templates. */
export const Rule = z
  .strictObject({
    left: template('Value to test, e.g. {{ input.total }}').min(1),
    operator: Operator.default('equals'),
    right: template('Value to compare with; unused by the "is empty"/"is true" family').optional(),
  })
  .superRefine((rule, ctx) => requireOperand(rule.operator, rule.right, ctx, 'right'));
export type Rule = z.output<typeof Rule>;

/**
 * The issue of a rule whose operator compares with a value it does not have, at `field`. Shared by
 * every rule shape built on these operators (If, and the list Filter, which tests item fields).
 */
export function requireOperand(operator: Operator, operand: unknown, ctx: z.RefinementCtx, field: string): void {
  if (!UNARY_OPERATORS.has(operator) && operand === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      // The operator as the form lists it: "greater than", not "greaterThan".
      message: `is needed with the operator "${operator.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}"`,
    });
  }
}

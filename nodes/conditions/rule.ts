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
  .superRefine((rule, ctx) => {
    if (!UNARY_OPERATORS.has(rule.operator) && rule.right === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['right'],
        // The operator as the form lists it: "greater than", not "greaterThan".
        message: `is needed with the operator "${rule.operator.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}"`,
      });
    }
  });
export type Rule = z.output<typeof Rule>;

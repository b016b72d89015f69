/** The look of the config form's one-line controls (text, number, select), shared by its field files. */
export const inputClass = (invalid: boolean) =>
  `block h-8 w-full rounded-md border-0 bg-white px-2.5 text-sm text-slate-900 ring-1 ring-inset focus:ring-2 focus:ring-accent-500 focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 ${invalid ? 'ring-red-400' : 'ring-slate-300'}`;

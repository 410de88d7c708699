// Numbers in the signed-in person's units. The server stores lbs and kcal; `GET /me` hands over, for each
// quantity, the unit's label, the factor from the stored unit and the precision it is read at (the server's
// `airfit.units`), so the browser shows and reads numbers by the same rule as everything the server writes.
import { fmt } from "./ui.js";

const conversion = (me, quantity) => me.conversions[quantity];

/** The unit a person reads, e.g. "kg". */
export const unitOf = (me, quantity) => conversion(me, quantity).unit;

/** A stored value in the person's unit, at the precision they read it (null stays null). */
export function shown(me, quantity, value) {
  if (value === null || value === undefined) return null;
  const { factor, digits } = conversion(me, quantity);
  const scale = 10 ** digits;
  return Math.round(value * factor * scale) / scale;
}

/** A typed value in the stored unit (to 3 decimals, as the server keeps converted values). */
export function stored(me, quantity, typed) {
  return Math.round((Number(typed) / conversion(me, quantity).factor) * 1000) / 1000;
}

/** A stored value as text, e.g. "68.0 kg" or "8,370 kJ". */
export function amount(me, quantity, value) {
  const digits = Math.max(0, conversion(me, quantity).digits);
  return `${fmt(shown(me, quantity, value), digits)} ${unitOf(me, quantity)}`;
}

/** The input step for a quantity: 0.1 kg or lbs, 1 kcal, 10 kJ. */
export const step = (me, quantity) => 10 ** -conversion(me, quantity).digits;

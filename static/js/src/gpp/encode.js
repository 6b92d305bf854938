/**
 * The GPP string's building blocks, as the IAB Tech Lab's Consent String Specification
 * defines them (https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Core/Consent%20String%20Specification.md):
 * fixed-width integers, Fibonacci coding, the Range (Fibonacci) of section ids, base64url
 * characters, and the header. Bits are strings of "0" and "1": a section is a few dozen bits.
 * A segment is zero-padded to whole bytes, then to whole characters, as the reference
 * libraries write it (https://github.com/IABTechLab/iabgpp-es): "DBABMA", not "DBABM".
 * cookiegate/consent/gpp.py is the same encoding in Python; both are tested on the published
 * examples.
 * @module gpp/encode
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The header's Type field ("GPP Header field") and the GPP version. */
const HEADER_TYPE = 3, GPP_VERSION = 1;

/** `value` as `width` bits, most significant first. */
export const int = (value, width) => value.toString(2).padStart(width, "0");

/**
 * `n` (at least 1) in Fibonacci coding: one bit per Fibonacci number 1, 2, 3, 5 …, smallest
 * first, set for those that sum to `n` (largest first, greedily), then a closing 1.
 */
export const fibonacci = (n) => {
  const numbers = [1, 2];
  while (numbers[numbers.length - 1] <= n) {
    numbers.push(numbers[numbers.length - 1] + numbers[numbers.length - 2]);
  }
  const bits = numbers.map(() => "0");
  for (let i = numbers.length - 1; i >= 0; i--) {
    if (numbers[i] <= n) {
      bits[i] = "1";
      n -= numbers[i];
    }
  }
  return bits.join("").replace(/0+$/, "") + "1";
};

/**
 * A Range (Fibonacci) of ascending ids: a 12-bit count of runs, then per run a group flag,
 * the offset from the last id written (0 at first) and, for a group, its end minus its start.
 * @param {number[]} ids  ascending, no repeats
 */
export const fibonacciRange = (ids) => {
  const runs = [];
  ids.forEach((id) => {
    const run = runs[runs.length - 1];
    if (run && run[1] === id - 1) run[1] = id;
    else runs.push([id, id]);
  });
  let last = 0;
  return int(runs.length, 12) + runs.map(([start, end]) => {
    const bits = (end > start ? "1" : "0") + fibonacci(start - last) +
      (end > start ? fibonacci(end - start) : "");
    last = end;
    return bits;
  }).join("");
};

/** Bits as base64url characters, zero-padded to whole bytes, then to whole characters. */
export const base64url = (bits) => {
  bits += "0".repeat((8 - bits.length % 8) % 8);
  bits += "0".repeat((6 - bits.length % 6) % 6);
  return bits.match(/.{6}/g).map((six) => ALPHABET[parseInt(six, 2)]).join("");
};

/** The header listing `ids`, the ids of the sections that follow it in that order. */
export const header = (ids) => base64url(int(HEADER_TYPE, 6) + int(GPP_VERSION, 6) +
  fibonacciRange(ids));

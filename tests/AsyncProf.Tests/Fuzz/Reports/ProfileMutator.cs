using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AsyncProf.Tests.Fuzz.Reports
{
    /// <summary>
    /// Damaged copies of a real profile, reproducible from a seed: truncations, bit flips, range overwrites (random
    /// bytes or JSON tokens that tend to reach deeper code than noise does), deleted and repeated ranges, and numbers
    /// swapped for others (which mostly keeps the JSON valid, so the exporters see odd ids and figures).
    /// </summary>
    public static class ProfileMutator
    {
        /// <summary>Tokens written over a range: numbers at and past int64's edges, structure, broken text.</summary>
        static readonly byte[][] Tokens = new[]
        {
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-1", "0", "1e400", "1.5", "-0",
            "null", "true", "\"\"", "\"x\"", "{}", "[]", "{", "}", "[", "]", ",", ":", "\"", "\\", "\\ud800", "\\udc00",
            "\\u0000", "</script>", "\"parent\": 1", "\"id\": 1", "\"function\": 99999",
        }.Select(Encoding.UTF8.GetBytes).Concat(new[] { new byte[] { 0xFF }, new byte[] { 0xC0, 0x80 }, new byte[] { 0xED, 0xA0, 0x80 }, new byte[] { 0 } }).ToArray();

        public static IEnumerable<(string Kind, byte[] Bytes)> Mutants(byte[] original, int seed, int count)
        {
            var random = new Random(seed);
            for (var i = 0; i < count; i++)
            {
                var kind = i % 7;
                yield return kind switch
                {
                    0 => ("truncate", original.AsSpan(0, random.Next(original.Length)).ToArray()),
                    1 => ("flip", Flip(original, random)),
                    2 => ("overwrite-random", OverwriteRandom(original, random)),
                    3 => ("overwrite-token", OverwriteToken(original, random)),
                    4 => ("delete-range", DeleteRange(original, random)),
                    5 => ("swap-number", SwapNumber(original, random)),
                    _ => ("repeat-range", RepeatRange(original, random)),
                };
            }
        }

        static byte[] Flip(byte[] original, Random random)
        {
            var copy = (byte[])original.Clone();
            for (var n = random.Next(1, 5); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            return copy;
        }

        static byte[] OverwriteRandom(byte[] original, Random random)
        {
            var copy = (byte[])original.Clone();
            var length = random.Next(1, 65);
            var at = random.Next(copy.Length);
            for (var k = at; k < Math.Min(copy.Length, at + length); k++) copy[k] = (byte)random.Next(256);
            return copy;
        }

        static byte[] OverwriteToken(byte[] original, Random random)
        {
            var token = Tokens[random.Next(Tokens.Length)];
            var at = random.Next(original.Length);
            var replaced = random.Next(0, 24);
            return Splice(original, at, Math.Min(replaced, original.Length - at), token);
        }

        static readonly string[] Numbers = { "0", "1", "2", "3", "4", "7", "9223372036854775807", "4611686018427387904", "1000000000000" };

        static byte[] SwapNumber(byte[] original, Random random)
        {
            // a run of digits starting at or after a random place
            var at = random.Next(original.Length);
            while (at < original.Length && !IsDigit(original[at])) at++;
            if (at == original.Length) return Flip(original, random);
            while (at > 0 && IsDigit(original[at - 1])) at--;
            var end = at;
            while (end < original.Length && IsDigit(original[end])) end++;
            return Splice(original, at, end - at, Encoding.ASCII.GetBytes(Numbers[random.Next(Numbers.Length)]));
        }

        static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

        static byte[] DeleteRange(byte[] original, Random random)
        {
            var at = random.Next(original.Length);
            return Splice(original, at, Math.Min(random.Next(1, 200), original.Length - at), Array.Empty<byte>());
        }

        static byte[] RepeatRange(byte[] original, Random random)
        {
            var at = random.Next(original.Length);
            var length = Math.Min(random.Next(1, 400), original.Length - at);
            return Splice(original, at, 0, original.AsSpan(at, length).ToArray());
        }

        static byte[] Splice(byte[] original, int at, int removed, byte[] inserted)
        {
            var result = new byte[original.Length - removed + inserted.Length];
            original.AsSpan(0, at).CopyTo(result);
            inserted.CopyTo(result, at);
            original.AsSpan(at + removed).CopyTo(result.AsSpan(at + inserted.Length));
            return result;
        }
    }
}

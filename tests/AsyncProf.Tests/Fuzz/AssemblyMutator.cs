using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection.PortableExecutable;

namespace AsyncProf.Tests.Fuzz
{
    /// <summary>One damaged copy of an input: its bytes and how they were damaged (for the failure message).</summary>
    public sealed record Mutant(string Name, byte[] Bytes, string How);

    /// <summary>
    /// Makes damaged copies of a real file from a fixed seed: truncations, byte flips and overwritten ranges.
    /// Three in four land in the metadata (or anywhere in a pdb), where damage reaches the readers instead of
    /// padding or native stubs nobody reads.
    /// </summary>
    public static class AssemblyMutator
    {
        public static IEnumerable<Mutant> Mutate(string label, byte[] original, int count, int seed)
        {
            var random = new Random(seed);
            var (start, length) = MetadataRange(original);
            for (var i = 0; i < count; i++)
            {
                var bytes = (byte[])original.Clone();
                int Offset() => random.Next(4) < 3 ? start + random.Next(length) : random.Next(bytes.Length);
                string how;
                switch (random.Next(4))
                {
                    case 0:
                    {
                        var cut = Offset();
                        Array.Resize(ref bytes, cut);
                        how = $"truncated to {cut} bytes";
                        break;
                    }
                    case 1:
                    {
                        var at = Offset();
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        how = $"bit flipped at {at}";
                        break;
                    }
                    case 2:
                    {
                        var flips = 1 + random.Next(8);
                        for (var f = 0; f < flips; f++) bytes[Offset()] = (byte)random.Next(256);
                        how = $"{flips} random bytes";
                        break;
                    }
                    default:
                    {
                        var at = Offset();
                        var run = Math.Min(1 + random.Next(64), bytes.Length - at);
                        var fill = random.Next(3);
                        for (var k = 0; k < run; k++) bytes[at + k] = fill == 0 ? (byte)0 : fill == 1 ? (byte)0xFF : (byte)random.Next(256);
                        how = $"{run} bytes overwritten at {at} ({(fill == 0 ? "zeros" : fill == 1 ? "0xFF" : "random")})";
                        break;
                    }
                }
                yield return new Mutant($"{label}-{i:D4}", bytes, how);
            }
        }

        /// <summary>The metadata's place in the file of a PE image; the whole file for anything else (a pdb).</summary>
        static (int start, int length) MetadataRange(byte[] image)
        {
            try
            {
                using var pe = new PEReader(new MemoryStream(image));
                var dir = pe.PEHeaders.CorHeader?.MetadataDirectory;
                if (dir != null && pe.PEHeaders.TryGetDirectoryOffset(dir.Value, out var offset) && dir.Value.Size > 0)
                    return (offset, dir.Value.Size);
            }
            catch (BadImageFormatException) { }
            return (0, image.Length);
        }
    }
}

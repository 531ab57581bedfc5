using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Fuzz
{
    /// <summary>
    /// `asyncprof weave` on damaged copies (truncated, bit-flipped, overwritten; fixed seeds) of small assemblies the
    /// suite builds, and of their pdbs, under a GC heap limit and a time limit. For every case: woven (and every
    /// method of the result compiles: weave --verify, then an independent `asyncprof verify`), or refused with one
    /// line naming the file and the problem in words; never an internal error, a hang, a changed input or a
    /// leftover file. ASYNCPROF_FUZZ=N runs N mutants per input instead of the default.
    /// </summary>
    [TestFixture]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class WeaveFuzzTests
    {
        const int DefaultMutantsPerInput = 60;
        /// <summary>A damaged input must fail within this heap (the weaver needs well under 100 MB for these).</summary>
        const string HeapLimit = "0x30000000"; // 768 MB

        static int MutantsPerInput =>
            int.TryParse(Environment.GetEnvironmentVariable("ASYNCPROF_FUZZ"), out var n) && n > 0 ? n : DefaultMutantsPerInput;

        static readonly Dictionary<string, string?> Limits = new()
        {
            ["DOTNET_GCHeapHardLimit"] = HeapLimit,
            ["ASYNCPROF_PROGRESS"] = "1", // a hang shows which file it was on
        };

        /// <summary>Built inputs: (label, build folder, assembly name).</summary>
        static IEnumerable<(string label, string build, string name)> Inputs()
        {
            yield return ("seed", ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release"), "SeedApp");
            yield return ("edges", ProjectBuilds.Build(RepoPaths.Fixture("RuntimeEdges"), "Release"), "RuntimeEdges");
        }

        [Test]
        public void Damaged_assemblies_and_pdbs_in_a_folder_are_woven_or_skipped_in_words()
        {
            var root = Path.Combine(RepoPaths.Scratch, "fuzz", "batch-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var input = Path.Combine(root, "in");
            var output = Path.Combine(root, "out");
            Directory.CreateDirectory(input);
            var references = new List<string>();
            var expected = new List<string>();
            var how = new Dictionary<string, string>();
            var seed = 8;
            foreach (var (label, build, name) in Inputs())
            {
                references.Add(build);
                var dll = File.ReadAllBytes(Path.Combine(build, name + ".dll"));
                var pdb = File.ReadAllBytes(Path.Combine(build, name + ".pdb"));
                var pdbMutants = MutantsPerInput / 4;
                foreach (var m in AssemblyMutator.Mutate(label + "-dll", dll, MutantsPerInput - pdbMutants, seed++))
                {
                    File.WriteAllBytes(Path.Combine(input, m.Name + ".dll"), m.Bytes);
                    File.WriteAllBytes(Path.Combine(input, m.Name + ".pdb"), pdb);
                    expected.Add(m.Name);
                    how[m.Name] = m.How;
                }
                foreach (var m in AssemblyMutator.Mutate(label + "-pdb", pdb, pdbMutants, seed++))
                {
                    File.WriteAllBytes(Path.Combine(input, m.Name + ".dll"), dll);
                    File.WriteAllBytes(Path.Combine(input, m.Name + ".pdb"), m.Bytes);
                    expected.Add(m.Name);
                    how[m.Name] = "pdb " + m.How;
                }
            }
            var before = Snapshot(input);

            var args = new List<string> { "weave", input, "--output", output, "--verify" };
            foreach (var r in references) args.AddRange(new[] { "--references", r });
            var result = RunLimited(args, TimeSpan.FromMinutes(8));
            TestContext.Out.WriteLine($"{expected.Count} mutants; " + result.StdOut.Split('\n').Count(l => l.StartsWith("skipped ")) + " skipped");

            Assert.That(result.ExitCode, Is.EqualTo(0), "a folder run never fails on a damaged file\n" + Tail(result));
            foreach (var line in CliRunner.Lines(result.StdErr))
            {
                Assert.That(line, Does.StartWith("asyncprof: [").Or.StartWith("asyncprof: warning: "), "unexpected stderr line");
                AssertInWords(line, line);
            }

            var lines = CliRunner.Lines(result.StdOut);
            var woven = new List<string>();
            foreach (var name in expected)
            {
                var skipped = lines.Where(l => l.StartsWith($"skipped {Path.Combine(input, name)}.dll: ", StringComparison.Ordinal)).ToList();
                var done = lines.Where(l => l.StartsWith($"{Path.Combine(output, name)}.dll: wove ", StringComparison.Ordinal)).ToList();
                Assert.That(skipped.Count + done.Count, Is.EqualTo(1), $"{name} ({how[name]}): one line, woven or skipped\n{Tail(result)}");
                if (skipped.Count == 1)
                {
                    AssertInWords(skipped[0].Substring(skipped[0].IndexOf(".dll: ", StringComparison.Ordinal) + 6), $"{name} ({how[name]}): {skipped[0]}");
                    Assert.That(File.Exists(Path.Combine(output, name + ".dll")), Is.False, $"{name} skipped, yet written");
                }
                else woven.Add(name);
            }

            Assert.That(Snapshot(input), Is.EqualTo(before), "the inputs are left byte for byte, with nothing beside them");
            var allowed = woven.SelectMany(n => new[] { n + ".dll", n + ".pdb" })
                .Concat(new[] { "AsyncProf.dll", "AsyncProf.pdb", "AsyncProf.Reports.dll" }).ToHashSet();
            if (Directory.Exists(output))
                Assert.That(Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Where(f => !allowed.Contains(f!)), Is.Empty,
                    "no staging folders, temp files or skipped outputs left in the output folder");
            Assert.That(woven, Is.Not.Empty, "some damage (in unused bytes, or a pdb) still leaves a weavable assembly");

            var verifyArgs = new List<string> { "verify", output };
            foreach (var r in references) verifyArgs.AddRange(new[] { "--references", r });
            var verify = RunLimited(verifyArgs, TimeSpan.FromMinutes(5));
            Assert.That(verify.ExitCode, Is.EqualTo(0), "every woven mutant compiles\n" + Tail(verify));
        }

        [Test]
        public void Damaged_assemblies_named_one_by_one_are_woven_in_place_or_refused_with_one_line()
        {
            var (label, build, name) = Inputs().First();
            var dll = File.ReadAllBytes(Path.Combine(build, name + ".dll"));
            var cases = Math.Max(10, MutantsPerInput / 6);
            var refused = 0;
            foreach (var m in AssemblyMutator.Mutate(label + "-single", dll, cases, seed: 1234))
            {
                var folder = Path.Combine(RepoPaths.Scratch, "fuzz", m.Name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
                Directory.CreateDirectory(folder);
                var file = Path.Combine(folder, name + ".dll");
                File.WriteAllBytes(file, m.Bytes);
                var result = RunLimited(new[] { "weave", file, "--references", build }, TimeSpan.FromMinutes(2));
                var context = $"{m.Name} ({m.How}): {result}";

                Assert.That(result.ExitCode, Is.EqualTo(0).Or.EqualTo(1), "woven or bad input, never an internal error\n" + context);
                var errors = CliRunner.Lines(result.StdErr).Where(l => !l.StartsWith("asyncprof: warning: ") && !l.StartsWith("asyncprof: [")).ToList();
                if (result.ExitCode == 1)
                {
                    refused++;
                    Assert.That(errors, Has.Count.EqualTo(1), "one error line\n" + context);
                    Assert.That(errors[0], Does.StartWith("asyncprof: " + file + ": "), "names the file\n" + context);
                    AssertInWords(errors[0].Substring(("asyncprof: " + file + ": ").Length), context);
                    Assert.That(File.ReadAllBytes(file), Is.EqualTo(m.Bytes), "refused, so unchanged\n" + context);
                    Assert.That(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName), Is.EqualTo(new[] { name + ".dll" }),
                        "nothing left beside it\n" + context);
                }
                else
                {
                    Assert.That(errors, Is.Empty, context);
                    var restore = CliRunner.Run("restore", file);
                    Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
                    Assert.That(File.ReadAllBytes(file), Is.EqualTo(m.Bytes), "restore puts the original back byte for byte\n" + context);
                }
            }
            TestContext.Out.WriteLine($"{cases} mutants named explicitly: {refused} refused, {cases - refused} woven and restored");
        }

        static ProcessResult RunLimited(IEnumerable<string> args, TimeSpan timeout)
        {
            var all = new List<string> { CliRunner.ToolPath };
            all.AddRange(args);
            return ProcessRunner.Run("dotnet", all, environment: Limits, timeout: timeout);
        }

        static readonly Regex Word = new(@"\b[a-zA-Z]{2,}\b");

        /// <summary>A problem a user can act on: words, not an exception's text, a bare number or raw control bytes.</summary>
        static void AssertInWords(string text, string context)
        {
            Assert.That(Word.Matches(text).Count, Is.GreaterThanOrEqualTo(4), "says the problem in words: " + context);
            foreach (var raw in new[] { "internal error", "Exception", "Object reference", "   at ", "Index was outside", "Specified argument" })
                Assert.That(text, Does.Not.Contain(raw), context);
            Assert.That(text.Any(c => char.IsControl(c)), Is.False, "no control characters: " + context);
        }

        static Dictionary<string, string> Snapshot(string folder) =>
            Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
                .ToDictionary(f => Path.GetRelativePath(folder, f), f => File.Exists(f) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "dir");

        static string Tail(ProcessResult r)
        {
            var text = r.ToString();
            return text.Length > 6000 ? "..." + text.Substring(text.Length - 6000) : text;
        }
    }
}

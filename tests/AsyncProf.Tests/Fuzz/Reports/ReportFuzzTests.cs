using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Fuzz.Reports
{
    /// <summary>
    /// <c>asyncprof report</c> on damaged and hostile profiles, in every output format (and the text report on the
    /// terminal): mutants of real profiles (fixed seeds; <c>ASYNCPROF_FUZZ=N</c> makes N per profile instead of
    /// <see cref="DefaultMutantsPerProfile"/>) and the hand-made <see cref="HostileProfiles"/>, each of which must be
    /// accepted or refused as it says. Runs in process for speed; a share of the cases also runs as a real process
    /// under a GC heap limit (all of them with ASYNCPROF_FUZZ set). See docs/reliability.md, "Reports".
    /// </summary>
    [TestFixture]
    public class ReportFuzzTests
    {
        const int DefaultMutantsPerProfile = 60;

        static int MutantsPerProfile =>
            int.TryParse(Environment.GetEnvironmentVariable("ASYNCPROF_FUZZ"), out var n) && n > 0 ? n : DefaultMutantsPerProfile;

        static bool LargeRun => Environment.GetEnvironmentVariable("ASYNCPROF_FUZZ") is { Length: > 0 };

        static string Folder(string name)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "fuzz-report", name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(dir);
            return dir;
        }

        public static IEnumerable<TestCaseData> Hostile() =>
            HostileProfiles.All().Select((p, i) => new TestCaseData(p, i).SetName($"Hostile_profile({i:000} {p.Name})"));

        public static IEnumerable<string> RealProfiles() => new[] { "async-resume fixture", "shop fixture", "recorded with timeline" };

        static string RealProfilePath(string label) => label switch
        {
            "async-resume fixture" => FormatFixtures.DataFile("async-resume.json"),
            "shop fixture" => HtmlReportFixtures.ShopPath,
            "recorded with timeline" => FormatFixtures.RecordedWithTimeline,
            _ => throw new ArgumentException(label),
        };

        /// <summary>Every format, in process; returns the problems, one per failed run.</summary>
        static List<string> RunAllFormats(string what, string profile, Expected? expected, List<long>? allocations = null)
        {
            var problems = new List<string>();
            var size = new FileInfo(profile).Length;
            foreach (var format in ReportRun.Formats.Cast<string?>().Append(null))
            {
                var outDir = Path.Combine(Path.GetDirectoryName(profile)!, "out-" + (format ?? "terminal"));
                Directory.CreateDirectory(outDir);
                var output = format == null ? null : Path.Combine(outDir, "report" + ReportRun.Extension(format));
                var r = ReportRun.InProcess(ReportRun.Args(profile, format ?? "text", output));
                var label = $"{what}, {(format == null ? "text report on the terminal" : "--format " + format)}";
                var problem = ReportRun.Problem(r, profile, format ?? "text", output, outDir) ?? Unexpected(r, expected, format);
                if (problem != null) problems.Add($"{label}: {problem}");
                // bounded memory: a profile's report allocates in proportion to the profile, with room for the runtime's own
                var budget = 256L * 1024 * 1024 + 200 * size;
                if (r.AllocatedBytes > budget) problems.Add($"{label}: allocated {r.AllocatedBytes:N0} bytes for a {size:N0}-byte profile (budget {budget:N0})");
                allocations?.Add(r.AllocatedBytes);
                Directory.Delete(outDir, recursive: true);
            }
            return problems;
        }

        static string? Unexpected(ReportRunResult r, Expected? expected, string? format)
        {
            if (expected == Expected.Reject && r.ExitCode != 1) return $"a hostile profile was accepted (exit {r.ExitCode})";
            if (expected == Expected.Accept && r.ExitCode != 0)
            {
                // the one format a profile without a timeline cannot give
                if (format == "chrome" && r.StdErr.Contains("has no timeline", StringComparison.Ordinal)) return null;
                return "a legal profile was refused: " + r.StdErr.Trim();
            }
            return null;
        }

        [TestCaseSource(nameof(Hostile))]
        public void Hostile_profile(HostileProfile hostile, int index)
        {
            var dir = Folder($"h{index:000}");
            var profile = Path.Combine(dir, $"hostile-{index:000}.json");
            File.WriteAllBytes(profile, hostile.Bytes);
            var problems = RunAllFormats(hostile.Name, profile, hostile.Expected);

            // as a real process too, under a heap limit: one format per case in turn, every large case, all with ASYNCPROF_FUZZ
            if (LargeRun || index % 4 == 0 || hostile.Bytes.Length > 1 << 20)
            {
                var format = ReportRun.Formats[index % ReportRun.Formats.Count];
                var outDir = Path.Combine(dir, "out-process");
                Directory.CreateDirectory(outDir);
                var output = Path.Combine(outDir, "report" + ReportRun.Extension(format));
                var r = ReportRun.AsProcess(ReportRun.Args(profile, format, output));
                var problem = ReportRun.Problem(r, profile, format, output, outDir) ?? Unexpected(r, hostile.Expected, format);
                if (problem != null) problems.Add($"{hostile.Name}, a real process, --format {format}: {problem}");
            }
            Assert.That(problems, Is.Empty, string.Join("\n", problems));
            Directory.Delete(dir, recursive: true);
        }

        [TestCaseSource(nameof(RealProfiles))]
        public void Mutants_of_a_real_profile(string label)
        {
            var original = File.ReadAllBytes(RealProfilePath(label));
            var dir = Folder(label.Replace(' ', '-'));
            var seed = label.Aggregate(17, (h, c) => h * 31 + c);
            var problems = new List<string>();
            var allocations = new List<long>();
            int accepted = 0, refused = 0, i = 0;
            foreach (var (kind, bytes) in ProfileMutator.Mutants(original, seed, MutantsPerProfile))
            {
                var caseDir = Path.Combine(dir, $"m{i:0000}");
                Directory.CreateDirectory(caseDir);
                var profile = Path.Combine(caseDir, $"mutant-{i:0000}.json");
                File.WriteAllBytes(profile, bytes);
                var found = RunAllFormats($"mutant {i} ({kind}) of the {label}", profile, expected: null, allocations);
                problems.AddRange(found);
                var textRun = ReportRun.InProcess(ReportRun.Args(profile, "text", null));
                if (textRun.ExitCode == 0) accepted++; else refused++;
                if (found.Count == 0) Directory.Delete(caseDir, recursive: true); // failing mutants stay, to be reproduced
                i++;
            }
            TestContext.Out.WriteLine($"{label}: {original.Length} bytes, {i} mutants (seed {seed}) x {ReportRun.Formats.Count + 1} runs: " +
                                      $"{accepted} read, {refused} refused; most allocated in one run {allocations.DefaultIfEmpty().Max():N0} bytes");
            if (problems.Count == 0) Directory.Delete(dir, recursive: true);
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)) + (problems.Count > 20 ? $"\n... {problems.Count} in all" : ""));
        }
    }
}

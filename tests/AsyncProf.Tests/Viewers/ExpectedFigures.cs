using System.Collections.Generic;
using System.Linq;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Exporters;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// What a viewer must show for a profile: the totals of the native file (read by the tests' own reader) and, per
    /// function, its inclusive and self figures. CPU, allocations and calls come from the native file; wall time per
    /// function from the sampled stacks every sampled export is built from (self wall is derived there: overlapping
    /// async children are scaled into their caller), whose total is checked against the native one.
    /// Only functions whose display name is unique are listed: viewers merge functions by name.
    /// </summary>
    sealed class ExpectedFigures
    {
        public NativeTotals Totals { get; }
        /// <summary>Per metric (Wall, Cpu, Alloc), per function name: (inclusive, self).</summary>
        public IReadOnlyDictionary<ProfileMetric, IReadOnlyDictionary<string, (long Inclusive, long Self)>> ByMetric { get; }
        /// <summary>Completed calls per function name.</summary>
        public IReadOnlyDictionary<string, long> Calls { get; }

        public ExpectedFigures(Profile profile, ProfileFile native)
        {
            Totals = NativeTotals.Of(native);
            var unique = native.Functions.GroupBy(f => f.Name).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
            var wallLines = FoldedExporter.Lines(profile, ProfileMetric.Wall).Select(l => (Frames: l.Stack.Split(';'), l.Weight)).ToList();
            ByMetric = new Dictionary<ProfileMetric, IReadOnlyDictionary<string, (long, long)>>
            {
                [ProfileMetric.Wall] = unique.ToDictionary(f => f.Name, f =>
                {
                    var frame = FoldedExporter.FrameName(f.Name);
                    return (wallLines.Where(l => l.Frames.Contains(frame)).Sum(l => l.Weight), wallLines.Where(l => l.Frames[^1] == frame).Sum(l => l.Weight));
                }),
                [ProfileMetric.Cpu] = unique.ToDictionary(f => f.Name, f => (f.CpuNs, f.SelfCpuNs)),
                [ProfileMetric.Alloc] = unique.ToDictionary(f => f.Name, f => (f.AllocBytes, f.SelfAllocBytes)),
            };
            Calls = unique.ToDictionary(f => f.Name, f => f.Calls);
            // the sampled wall stacks add up to the native wall total, so comparing viewers with them compares with the profile
            NUnit.Framework.Assert.That(wallLines.Sum(l => l.Weight), NUnit.Framework.Is.EqualTo(Totals.Wall), "sampled wall stacks = native wall total");
        }

        public static ExpectedFigures For(string label)
        {
            var (profile, native) = ViewerProfiles.Load(label);
            return new ExpectedFigures(profile, native);
        }
    }
}

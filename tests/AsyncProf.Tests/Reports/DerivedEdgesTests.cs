using System.Collections.Generic;
using System.Linq;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Reports.Html;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports
{
    /// <summary>
    /// The reports show the call edges they derive from the tree (<see cref="CallTreeFigures.Edges"/>), not the file's
    /// <c>edges</c>. Both follow one rule (docs/profile-schema.md: calls over every node, inclusive figures over the
    /// outermost nodes of each lane), so on a profile the runtime wrote they must agree on every caller and callee:
    /// if either derivation drifts, the HTML report (which once showed the file's) and the text and callgrind
    /// reports (which always derived their own) would disagree.
    /// </summary>
    [TestFixture]
    public class DerivedEdgesTests
    {
        static IEnumerable<(long? Caller, long Callee, long Calls, long WallNs, long CpuNs, long AllocBytes)> FileEdges(Profile p) =>
            p.Edges.Select(e => (e.Caller, e.Callee, e.Calls, e.WallNs, e.CpuNs, e.AllocBytes));

        static IEnumerable<(long? Caller, long Callee, long Calls, long WallNs, long CpuNs, long AllocBytes)> DerivedEdges(Profile p) =>
            CallTreeFigures.Of(p).EdgesPerPair.Select(e => (e.Caller, e.Callee, e.Calls, e.WallNs, e.CpuNs, e.AllocBytes));

        static void AssertAgree(Profile p)
        {
            Assert.That(p.Edges, Is.Not.Empty, "a profile with calls");
            Assert.That(DerivedEdges(p), Is.EquivalentTo(FileEdges(p)), $"{p.SourcePath}: the edges derived from the tree are the file's");
        }

        [TestCase("recorded with timeline")]
        [TestCase("recorded without timeline")]
        public void The_runtime_s_edges_are_the_derived_ones(string label) => AssertAgree(FormatFixtures.Load(label).Profile);

        [Test]
        public void The_html_fixture_s_edges_are_the_derived_ones() => AssertAgree(HtmlReportFixtures.Shop());

        /// <summary>The woven zoo: every async shape, detached work, recursion, iterators, written by the real runtime.</summary>
        [Test, NonParallelizable, Category(Categories.Integration)]
        public void A_woven_fixture_s_edges_are_the_derived_ones()
        {
            var (_, file) = ZooApp.Run("Release");
            var profile = ProfileReader.Load(file.Path);
            Assert.That(CallTreeFigures.Of(profile).Edges.Any(e => e.Detached), "the zoo has detached work, so lanes are covered");
            AssertAgree(profile);
        }
    }
}

using System.Linq;
using AsyncProf.Reports.Diff;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Reports.Diff
{
    /// <summary>The comparison model of <c>asyncprof diff</c> on profiles built in code, where every figure is known.</summary>
    [TestFixture]
    public class ProfileDiffTests
    {
        const long Ms = 1_000_000;

        [Test]
        public void The_function_that_got_slower_moves_most_not_the_callers_that_grew_with_it()
        {
            var diff = ProfileDiff.Compute(Pipeline("before", transformMs: 30), Pipeline("after", transformMs: 330));
            var order = ProfileDiff.MovedMost(diff.Functions, DiffMetric.Wall).Select(f => f.Name).ToList();
            Assert.That(order[0], Is.EqualTo("Transform"), string.Join(", ", order));

            var transform = diff.Functions.Single(f => f.Name == "Transform");
            Assert.That(transform.Delta(DiffMetric.Wall), Is.EqualTo(300 * Ms));
            Assert.That(transform.SelfDelta(DiffMetric.Wall), Is.EqualTo(300 * Ms));
            Assert.That(transform.PercentChange(DiffMetric.Wall), Is.EqualTo(1000).Within(1e-9));
            Assert.That(transform.Before.PerCall(DiffMetric.Wall), Is.EqualTo(10.0 * Ms).Within(1e-6));
            Assert.That(transform.After.PerCall(DiffMetric.Wall), Is.EqualTo(110.0 * Ms).Within(1e-6));

            var run = diff.Functions.Single(f => f.Name == "Run");
            Assert.That(run.Delta(DiffMetric.Wall), Is.EqualTo(300 * Ms), "inclusive: Run grew by as much");
            Assert.That(run.SelfDelta(DiffMetric.Wall), Is.EqualTo(0), "but not its own code");
            Assert.That(diff.AfterTotals.WallNs - diff.BeforeTotals.WallNs, Is.EqualTo(300 * Ms));
        }

        [Test]
        public void Each_metric_sorts_by_its_own_change()
        {
            var diff = ProfileDiff.Compute(Pipeline("before", 30, parseAlloc: 1000), Pipeline("after", 30, parseAlloc: 900_000));
            Assert.That(ProfileDiff.MovedMost(diff.Functions, DiffMetric.Alloc).First().Name, Is.EqualTo("Parse"));
            var parse = diff.Functions.Single(f => f.Name == "Parse");
            Assert.That(parse.Delta(DiffMetric.Alloc), Is.EqualTo(899_000));
            Assert.That(parse.Delta(DiffMetric.Wall), Is.EqualTo(0));
            var main = diff.Functions.Single(f => f.Name == "Main");
            Assert.That(main.Delta(DiffMetric.Alloc), Is.EqualTo(899_000), "inclusive allocations grow up the tree");
        }

        [Test]
        public void Paths_match_by_frame_names_and_one_side_only_is_new_or_gone()
        {
            var before = Make("before",
                new Node("Main", 1, 100 * Ms, SelfCpuNs: Ms),
                new Node("Main>Old", 2, 40 * Ms, SelfCpuNs: 40 * Ms),
                new Node("Main>Shared", 1, 50 * Ms, SelfCpuNs: 10 * Ms),
                new Node("Main>Shared>Leaf", 5, 30 * Ms, SelfCpuNs: 30 * Ms));
            var after = Make("after",
                new Node("Main", 1, 100 * Ms, SelfCpuNs: Ms),
                new Node("Main>New", 2, 40 * Ms, SelfCpuNs: 40 * Ms),
                new Node("Main>Shared", 1, 50 * Ms, SelfCpuNs: 10 * Ms),
                new Node("Main>Shared>Leaf", 5, 30 * Ms, SelfCpuNs: 30 * Ms));
            var diff = ProfileDiff.Compute(before, after);

            Assert.That(diff.Paths.Select(p => p.Label), Is.EquivalentTo(new[] { "Main", "Main > Old", "Main > Shared", "Main > Shared > Leaf", "Main > New" }));
            var leaf = diff.Paths.Single(p => p.Label == "Main > Shared > Leaf");
            Assert.That((leaf.InBefore, leaf.InAfter, leaf.Delta(DiffMetric.Wall), leaf.Before.Calls), Is.EqualTo((true, true, 0L, 5L)));
            var old = diff.Paths.Single(p => p.Name == "Old");
            Assert.That((old.InBefore, old.InAfter, old.After.WallNs), Is.EqualTo((true, false, 0L)));
            Assert.That(DiffTextReport.Percent(old.PercentChange(DiffMetric.Wall), old.InBefore, old.InAfter), Is.EqualTo("gone"));
            var added = diff.Functions.Single(f => f.Name == "New");
            Assert.That(added.PercentChange(DiffMetric.Wall), Is.EqualTo(double.PositiveInfinity));
            Assert.That(DiffTextReport.Percent(added.PercentChange(DiffMetric.Wall), added.InBefore, added.InAfter), Is.EqualTo("new"));
            Assert.That(leaf.Parent!.Name, Is.EqualTo("Shared"));
            Assert.That(diff.Paths.Where(p => p.Parent != null).All(p => p.Parent!.Index < p.Index), "parents before children");
        }

        [Test]
        public void Detached_work_matches_its_lane_on_the_other_side()
        {
            AsyncProf.Reports.Profile WithTimer(long tickMs) => Make("p",
                new Node("Main", 1, 100 * Ms, SelfCpuNs: Ms),
                new Node("Main>Tick", 4, tickMs * Ms, SelfCpuNs: tickMs * Ms, Detached: 4));
            var diff = ProfileDiff.Compute(WithTimer(10), WithTimer(50));
            var lane = diff.Paths.Single(p => p.IsMarker);
            Assert.That(lane.Name, Is.EqualTo("[detached from Main]"));
            Assert.That(lane.Children.Single().Name, Is.EqualTo("Tick"));
            Assert.That(lane.Children.Single().Delta(DiffMetric.Wall), Is.EqualTo(40 * Ms));
            Assert.That(diff.Paths.Single(p => p.Label == "Main").Delta(DiffMetric.Wall), Is.EqualTo(0), "detached work is not in Main's figures");
        }

        [Test]
        public void Fail_over_names_the_functions_whose_own_time_grew_past_the_threshold()
        {
            var diff = ProfileDiff.Compute(Pipeline("before", 30, saveMs: 60), Pipeline("after", 330, saveMs: 75));
            var check = new RegressionCheck { ThresholdPercent = 50 };
            Assert.That(check.Regressions(diff).Select(r => r.Name), Is.EqualTo(new[] { "Transform" }),
                "Save grew 25% (under 50), Run and Main only through Transform");
            Assert.That(new RegressionCheck { ThresholdPercent = 20 }.Regressions(diff).Select(r => r.Name), Is.EqualTo(new[] { "Transform", "Save" }));
            Assert.That(new RegressionCheck { ThresholdPercent = 2000 }.Regressions(diff), Is.Empty);
        }

        [Test]
        public void Fail_over_leaves_out_functions_too_small_to_judge()
        {
            // Parse's allocations go from 1000 to 3000 bytes: +200%, but a sliver of the 1 MB Transform allocates.
            var before = Make("before", new Node("Main", 1, 10 * Ms), new Node("Main>Parse", 1, Ms, SelfAllocBytes: 1000),
                new Node("Main>Transform", 1, Ms, SelfAllocBytes: 1 << 20));
            var after = Make("after", new Node("Main", 1, 10 * Ms), new Node("Main>Parse", 1, Ms, SelfAllocBytes: 3000),
                new Node("Main>Transform", 1, Ms, SelfAllocBytes: 1 << 20));
            var diff = ProfileDiff.Compute(before, after);
            Assert.That(new RegressionCheck { ThresholdPercent = 10, Metric = DiffMetric.Alloc }.Regressions(diff), Is.Empty);
            Assert.That(new RegressionCheck { ThresholdPercent = 10, Metric = DiffMetric.Alloc, MinSharePercent = 0.1 }.Regressions(diff).Single().Name,
                Is.EqualTo("Parse"));
        }

        [Test]
        public void A_profile_compared_with_itself_has_no_change()
        {
            var p = Pipeline("same", 100);
            var diff = ProfileDiff.Compute(p, p);
            Assert.That(diff.Functions.Concat<DiffEntry>(diff.Paths).All(e => DiffMetrics.All.All(m => e.Delta(m) == 0 && e.SelfDelta(m) == 0)));
            Assert.That(new RegressionCheck { ThresholdPercent = 0 }.Regressions(diff), Is.Empty);
            var text = DiffTextReport.Render(diff);
            Assert.That(text, Does.Contain("functions: 5 in either profile, 0 changed"));
            Assert.That(text, Does.Contain("call paths: 5 in either profile, 0 changed"));
        }

        [Test]
        public void The_text_report_lists_the_mover_first_with_its_figures()
        {
            var diff = ProfileDiff.Compute(Pipeline("before", 30), Pipeline("after", 330));
            var lines = DiffTextReport.Render(diff).Split('\n');
            TestContext.Out.WriteLine(string.Join("\n", lines));
            Assert.That(lines[0], Does.StartWith("diff: before.json [before, pid 1] (before) → after.json [after, pid 1] (after), sorted by change of wall time"));
            var wallTotal = lines.Single(l => l.StartsWith("wall time"));
            Assert.That(wallTotal, Does.Contain("151.0 ms").And.Contain("451.0 ms").And.Contain("+300.0 ms").And.Contain("+198.7%"));

            var functions = System.Array.FindIndex(lines, l => l.StartsWith("functions:"));
            Assert.That(lines[functions + 1], Does.StartWith("function").And.Contain("self wall before").And.Contain("incl/call after"));
            var first = lines[functions + 2];
            Assert.That(first, Does.StartWith("Transform "));
            Assert.That(first, Does.Contain("30.0 ms").And.Contain("330.0 ms").And.Contain("+300.0 ms").And.Contain("+1000.0%"));
            Assert.That(first, Does.Contain("10.0 ms").And.Contain("110.0 ms"), "per call");

            var paths = System.Array.FindIndex(lines, l => l.StartsWith("call paths:"));
            Assert.That(lines[paths + 2], Does.StartWith("Main > Run > Transform "));
        }

        [Test]
        public void Top_limits_the_rows_and_says_how_many_are_left()
        {
            var diff = ProfileDiff.Compute(Pipeline("before", 30), Pipeline("after", 330));
            var text = DiffTextReport.Render(diff, new DiffReportOptions { Top = 2, Metric = DiffMetric.Cpu });
            Assert.That(text, Does.Contain("functions: 5 in either profile, 3 changed, top 2 shown"));
            Assert.That(text, Does.Contain("(3 more not shown; --top N shows more)"));
            Assert.That(text, Does.Contain("sorted by change of CPU time"));
        }
    

        /// <summary>Main awaits Fetch and calls Work; in the second run Work takes 50 ms longer, all of it blocked (a lock), and Fetch's wait grew queued.</summary>
        static (AsyncProf.Reports.Profile Before, AsyncProf.Reports.Profile After) StartedBlocking() => (
            Make("before",
                new Node("Main", 1, 300 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 110 * Ms, SuspendedNs: 190 * Ms),
                new Node("Main>Work", 1, 100 * Ms, SelfCpuNs: 100 * Ms, RunningNs: 100 * Ms),
                new Node("Main>Fetch", 1, 190 * Ms, SuspendedNs: 190 * Ms)),
            Make("after",
                new Node("Main", 1, 350 * Ms, SelfCpuNs: 10 * Ms, RunningNs: 110 * Ms, BlockedNs: 50 * Ms, SuspendedNs: 190 * Ms, QueuedNs: 40 * Ms),
                new Node("Main>Work", 1, 150 * Ms, SelfCpuNs: 100 * Ms, RunningNs: 100 * Ms, BlockedNs: 50 * Ms),
                new Node("Main>Fetch", 1, 190 * Ms, SuspendedNs: 190 * Ms, QueuedNs: 40 * Ms)));

        [Test]
        public void A_part_of_the_wall_split_sorts_and_says_what_moved()
        {
            var (before, after) = StartedBlocking();
            var diff = ProfileDiff.Compute(before, after);
            var work = diff.Functions.Single(f => f.Name == "Work");
            Assert.That(work.Delta(DiffMetric.Blocked), Is.EqualTo(50 * Ms));
            Assert.That(work.SelfDelta(DiffMetric.Blocked), Is.EqualTo(50 * Ms));
            Assert.That(work.Delta(DiffMetric.Running), Is.EqualTo(0));
            Assert.That(ProfileDiff.MovedMost(diff.Functions, DiffMetric.Blocked).First().Name, Is.EqualTo("Work"));
            var fetch = diff.Functions.Single(f => f.Name == "Fetch");
            Assert.That((fetch.Delta(DiffMetric.Queued), fetch.Delta(DiffMetric.Suspended)), Is.EqualTo((40 * Ms, -40 * Ms)), "queued is taken out of suspended");
            Assert.That(ProfileDiff.MovedMost(diff.Functions, DiffMetric.Queued).First().Name, Is.EqualTo("Fetch"));
            Assert.That(diff.AfterTotals.Value(DiffMetric.Blocked) - diff.BeforeTotals.Value(DiffMetric.Blocked), Is.EqualTo(50 * Ms));

            var text = DiffTextReport.Render(diff, new DiffReportOptions { Metric = DiffMetric.Blocked });
            TestContext.Out.WriteLine(text);
            var lines = text.Split('\n');
            Assert.That(lines[0], Does.EndWith("sorted by change of blocked time"));
            Assert.That(lines.Single(l => l.StartsWith("blocked time")), Does.Contain("+50.0 ms"));
            Assert.That(lines.Single(l => l.StartsWith("queued time")), Does.Contain("+40.0 ms"));
            Assert.That(lines, Has.None.StartWith("gc time"), "no profile had any GC time");
            var functions = System.Array.FindIndex(lines, l => l.StartsWith("functions:"));
            Assert.That(lines[functions + 1], Does.Contain("self blocked before"));
            Assert.That(lines[functions + 2], Does.StartWith("Work "));

            var regressed = new RegressionCheck { ThresholdPercent = 10, Metric = DiffMetric.Queued }.Regressions(diff);
            Assert.That(regressed.Select(r => r.Name), Does.Contain("Fetch"));
            Assert.That(DiffMetrics.TryParse("queued", out var m) && m == DiffMetric.Queued);
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// The invariant checks themselves, on small hand-made asyncprof/1 files: each rule reports the profile that
    /// breaks it, and leaves alone what it says it skips (detached children, parents with calls in flight, functions
    /// with calls in flight, CPU within the tolerance).
    /// </summary>
    [TestFixture]
    public class ProfileInvariantsTests
    {
        sealed record Node(long Id, long? Parent, string Function, long Calls = 1, long InFlight = 0, long Faults = 0,
            long Wall = 0, long Cpu = 0, long Detached = 0);

        /// <summary>Writes a profile whose functions and edges are derived from the nodes (no recursion in these).</summary>
        static ProfileFile Write(params Node[] nodes) => Write(nodes, functionLosingACall: null);

        static ProfileFile Write(Node[] nodes, string? functionLosingACall)
        {
            var names = nodes.Select(n => n.Function).Distinct().ToList();
            long Fid(string name) => names.IndexOf(name) + 1;
            object NodeJson(Node n) => new
            {
                id = n.Id, parent = n.Parent, function = Fid(n.Function), calls = n.Calls, inFlight = n.InFlight, faults = n.Faults,
                suspends = 0, wallNs = n.Wall, cpuNs = n.Cpu, selfCpuNs = 0, allocBytes = 0, selfAllocBytes = 0, detached = n.Detached,
            };
            var functions = names.Select(name =>
            {
                var own = nodes.Where(n => n.Function == name).ToList();
                return new
                {
                    id = Fid(name), name, kind = "async", module = "App", file = (string?)null, line = 0,
                    calls = own.Sum(n => n.Calls) - (name == functionLosingACall ? 1 : 0), inFlight = own.Sum(n => n.InFlight), faults = own.Sum(n => n.Faults), suspends = 0,
                    wallNs = own.Sum(n => n.Wall), cpuNs = own.Sum(n => n.Cpu), selfCpuNs = 0, allocBytes = 0, selfAllocBytes = 0,
                    detached = own.Sum(n => n.Detached),
                };
            });
            string? FunctionOf(long? node) => node is long id ? nodes.Single(n => n.Id == id).Function : null;
            var edges = nodes.GroupBy(n => (Caller: FunctionOf(n.Parent), Callee: n.Function)).Select(g => new
            {
                caller = g.Key.Caller == null ? (long?)null : Fid(g.Key.Caller), callee = Fid(g.Key.Callee),
                calls = g.Sum(n => n.Calls), wallNs = g.Sum(n => n.Wall), cpuNs = g.Sum(n => n.Cpu), allocBytes = 0,
            });
            var json = JsonSerializer.Serialize(new
            {
                schema = "asyncprof/1", process = new { error = (string?)null }, functions, edges, tree = nodes.Select(NodeJson),
            });
            var path = Path.Combine(Path.GetTempPath(), "asyncprof-invariants-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, json);
            try { return ProfileFile.Load(path); }
            finally { File.Delete(path); }
        }

        const long Ms = 1_000_000;

        [Test]
        public void AConsistentSequentialProfileHoldsEveryInvariant()
        {
            var p = Write(
                new Node(1, null, "Main", Wall: 100 * Ms, Cpu: 30 * Ms),
                new Node(2, 1, "Query", Calls: 20, Wall: 90 * Ms, Cpu: 5 * Ms, Faults: 2),
                new Node(3, 2, "Core", Calls: 20, Wall: 90 * Ms, Cpu: 5 * Ms));
            Assert.Multiple(() =>
            {
                Assert.That(ProfileInvariants.CpuAboveWallFailures(p), Is.Empty);
                Assert.That(ProfileInvariants.ChildWallFailures(p), Is.Empty);
                Assert.That(ProfileInvariants.CallAccountingFailures(p), Is.Empty);
            });
        }

        [Test]
        public void CpuAboveWallIsReportedBeyondTheToleranceOnly()
        {
            var p = Write(
                new Node(1, null, "Facade", Wall: 3 * Ms, Cpu: 50 * Ms),
                new Node(2, null, "WithinTolerance", Wall: 100 * Ms, Cpu: 105 * Ms),
                new Node(3, null, "StillRunning", Calls: 1, InFlight: 1, Wall: 1 * Ms, Cpu: 80 * Ms));
            var failures = ProfileInvariants.CpuAboveWallFailures(p);
            Assert.That(failures, Has.Count.EqualTo(1));
            Assert.That(failures[0], Does.Contain("Facade").And.Contain("CPU 50.00 ms > wall 3.00 ms"));
        }

        [Test]
        public void AChildLongerThanItsParentIsReportedUnlessDetachedOrUnderACallInFlight()
        {
            var p = Write(
                new Node(1, null, "Main", Wall: 1000 * Ms),
                new Node(2, 1, "Facade", Calls: 20, Wall: 40 * Ms),
                new Node(3, 2, "Core", Calls: 20, Wall: 600 * Ms),
                new Node(4, 1, "Starter", Wall: 1 * Ms),
                new Node(5, 4, "FireAndForget", Wall: 500 * Ms, Detached: 1),
                new Node(6, 1, "Loop", Calls: 0, InFlight: 1),
                new Node(7, 6, "Tick", Calls: 5, Wall: 50 * Ms));
            var failures = ProfileInvariants.ChildWallFailures(p);
            Assert.That(failures, Has.Count.EqualTo(1), string.Join("\n", failures));
            Assert.That(failures[0], Does.Contain("Core").And.Contain("Facade"));
        }

        [Test]
        public void LostOrInconsistentCallsAreReported()
        {
            var p = Write(
                new Node(1, null, "Main"),
                new Node(2, 1, "Faulty", Calls: 2, Faults: 3),
                new Node(3, 1, "Detached", Calls: 1, Detached: 2),
                new Node(4, 1, "WallWithoutCall", Calls: 0, InFlight: 1, Wall: 5 * Ms));
            var failures = ProfileInvariants.CallAccountingFailures(p);
            Assert.That(failures, Has.Some.Contain("Faulty: 3 faults > 2 completed calls"));
            Assert.That(failures, Has.Some.Contain("Detached: detached 2 outside"));
            Assert.That(failures, Has.Some.Contain("WallWithoutCall: wall 5.00 ms without a completed call"));
        }

        [Test]
        public void FunctionTotalsThatAreNotTheSumOfTheirNodesAreReported()
        {
            var p = Write(new[] { new Node(1, null, "Main"), new Node(2, 1, "Child", Calls: 4) }, functionLosingACall: "Child");
            var failures = ProfileInvariants.CallAccountingFailures(p);
            Assert.That(failures, Has.Some.Contain("Child: calls 3, but its nodes add up to 4"));
            Assert.That(failures, Has.Some.Contain("Child: calls 3, but the edges into it carry 4"));
        }

        [Test]
        public void CpuAboveWallLeavesOutTheFunctionsNamedConcurrentByDesign()
        {
            var p = Write(new Node(1, null, "Main", Wall: 3 * Ms, Cpu: 50 * Ms), new Node(2, null, "Other", Wall: 3 * Ms, Cpu: 50 * Ms));
            Assert.That(ProfileInvariants.CpuAboveWallFailures(p, new[] { "Main" }), Has.Count.EqualTo(1).And.Some.Contain("Other"));
        }

        [Test]
        public void InclusiveFiguresThatAreNotSelfPlusAttachedChildrenAreReported()
        {
            // these files write selfCpuNs 0: Main's 10 ms and Child's 4 ms have no self part to come from
            var p = Write(
                new Node(1, null, "Main", Wall: 20 * Ms, Cpu: 10 * Ms),
                new Node(2, 1, "Child", Wall: 5 * Ms, Cpu: 4 * Ms),
                new Node(3, 1, "Background", Detached: 1));
            var failures = ProfileInvariants.InclusiveSumFailures(p);
            Assert.That(failures, Has.Count.EqualTo(2), string.Join("\n", failures));
            Assert.That(failures, Has.Some.Contain("Main (node 1): cpuNs 10000000 != selfCpuNs 0 + children 4000000"));
        }

        [Test]
        public void FunctionWallOverMoreThanItsOutermostNodesIsReported()
        {
            // the writer sums every node; a recursive function's wall counts its outermost node only
            var p = Write(
                new Node(1, null, "Main", Wall: 20 * Ms),
                new Node(2, 1, "Recursive", Wall: 10 * Ms),
                new Node(3, 2, "Recursive", Wall: 8 * Ms),
                new Node(4, 3, "Spawned", Wall: 1 * Ms, Detached: 1),
                new Node(5, 4, "Recursive", Calls: 0, InFlight: 1));
            var failures = ProfileInvariants.FunctionTotalFailures(p);
            Assert.That(failures, Is.EqualTo(new[] { "(e) Recursive: wallNs (outermost nodes) 18000000, but its nodes add up to 10000000" }));
        }

        [Test]
        public void ALeafWithMoreCpuThanWallIsReportedBeyondOneMillisecond()
        {
            var p = Write(
                new Node(1, null, "Main", Wall: 1 * Ms, Cpu: 9 * Ms),
                new Node(2, 1, "Leaf", Wall: 1 * Ms, Cpu: 3 * Ms),
                new Node(3, 1, "Near", Wall: 1 * Ms, Cpu: 2 * Ms));
            var failures = ProfileInvariants.LeafCpuAboveWallFailures(p);
            Assert.That(failures, Has.Count.EqualTo(1).And.Some.Contain("Leaf (node 2)"), string.Join("\n", failures));
        }
    }
}

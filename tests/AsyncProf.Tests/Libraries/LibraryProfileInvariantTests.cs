using System.Collections.Generic;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// The profile invariants (<see cref="ProfileInvariants"/>) on the library workload's profile: the workload does
    /// one thing at a time, so every relation must hold over the libraries' own code too.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class LibraryProfileInvariantTests
    {
        static ProfileFile Profile => LibraryWorkloadRun.Shared.Profile;

        [Test]
        public void NoFunctionHasMoreCpuThanWall() => AssertNone(ProfileInvariants.CpuAboveWallFailures(Profile));

        [Test]
        public void NoChildNodeHasMoreWallThanItsParent() => AssertNone(ProfileInvariants.ChildWallFailures(Profile));

        [Test]
        public void EveryCallIsAccountedFor() => AssertNone(ProfileInvariants.CallAccountingFailures(Profile));

        [Test]
        public void NothingTheWorkloadAwaitsIsDetached()
        {
            // The workload awaits every call it makes (no fire-and-forget), so every call it makes ends before the
            // workload's call does: none may be detached, or its figures would leave the workload's inclusive ones.
            var p = Profile;
            var workloadNodes = p.Tree.Where(n => p.FunctionById(n.Function).Name.StartsWith("LibraryWorkload.", System.StringComparison.Ordinal))
                .Select(n => n.Id).ToHashSet();
            AssertNone(p.Tree.Where(n => n.Parent is long parent && workloadNodes.Contains(parent) && n.IsDetached)
                .Select(n => $"node {n.Id} {p.FunctionById(n.Function).Name} [{p.FunctionById(n.Function).Kind}]: {n.Detached} of {n.Calls} calls " +
                             $"detached, under {p.FunctionById(p.Parent(n)!.Function).Name}")
                .ToList());
        }

        static void AssertNone(IReadOnlyList<string> failures) =>
            Assert.That(failures, Is.Empty, $"{Profile.Path}: {failures.Count} failures (worst first):\n  " + string.Join("\n  ", failures.Take(40)));
    }
}

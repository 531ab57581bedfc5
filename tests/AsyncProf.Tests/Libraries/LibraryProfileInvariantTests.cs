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
    public class LibraryProfileInvariantTests
    {
        static ProfileFile Profile => LibraryWorkloadRun.Shared.Profile;

        [Test]
        public void NoFunctionHasMoreCpuThanWall() => AssertNone(ProfileInvariants.CpuAboveWallFailures(Profile));

        [Test]
        public void NoChildNodeHasMoreWallThanItsParent() => AssertNone(ProfileInvariants.ChildWallFailures(Profile));

        [Test]
        public void EveryCallIsAccountedFor() => AssertNone(ProfileInvariants.CallAccountingFailures(Profile));

        static void AssertNone(IReadOnlyList<string> failures) =>
            Assert.That(failures, Is.Empty, $"{Profile.Path}: {failures.Count} failures (worst first):\n  " + string.Join("\n  ", failures.Take(40)));
    }
}

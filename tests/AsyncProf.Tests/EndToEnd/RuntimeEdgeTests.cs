using System.Collections.Generic;
using System.IO;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Weaver;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>Whole-process profiling where a process ends badly or also drives the profiler API itself.</summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RuntimeEdgeTests
    {
        WovenApp app = null!;

        [OneTimeSetUp]
        public void Weave()
        {
            var settings = new WeaverSettings();
            settings.Exclude.Add("RuntimeEdges.Program.*");
            app = WovenApp.Create(ProjectBuilds.Build(RepoPaths.Fixture("RuntimeEdges"), "Release"), "RuntimeEdges", "edges", settings);
        }

        ProcessResult Run(string profile, params string[] args)
        {
            var all = new List<string> { app.MainAssembly };
            all.AddRange(args);
            return ProcessRunner.Run("dotnet", all, app.Directory, new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profile });
        }

        [Test]
        public void A_process_killed_by_an_unhandled_exception_still_writes_its_profile()
        {
            var profile = Path.Combine(app.Directory, "crash.json");
            var run = Run(profile, "crash");
            Assert.That(run.ExitCode, Is.Not.EqualTo(0), "the fixture crashes");
            Assert.That(run.StdErr, Does.Contain("the fixture crashes on purpose"));
            Assert.That(File.Exists(profile), Is.True, run.ToString());
            var p = ProfileFile.Load(profile);
            Assert.That(p.Function("RuntimeEdges.Work.StepAsync").Calls, Is.EqualTo(1));
            Assert.That(p.Function("RuntimeEdges.Work.Throw").Faults, Is.EqualTo(1));
        }

        [Test]
        public void A_scope_profiles_one_request_alone_among_concurrent_ones()
        {
            var scoped = Path.Combine(app.Directory, "scoped.json");
            var run = ProcessRunner.Run("dotnet", new[] { app.MainAssembly, "scoped", scoped }, app.Directory);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            var p = ProfileFile.Load(scoped);
            Assert.That(p.Function("RuntimeEdges.Work.HandleAsync").Calls, Is.EqualTo(1), "only the scoped request");
            Assert.That(p.Function("RuntimeEdges.Work.StepAsync").Calls, Is.EqualTo(3), "its 3 steps, not the other's 5");
            Assert.That(p.Function("RuntimeEdges.Work.Queued").Calls, Is.EqualTo(1), "work it queued to the pool");
            Assert.That(p.Edge("RuntimeEdges.Work.HandleAsync", "RuntimeEdges.Work.Queued")!.Calls, Is.EqualTo(1));
            Assert.That(p.Functions, Has.All.Matches<ProfiledFunction>(f => f.InFlight == 0));
            ProfileInvariants.AssertHold(p);
        }

        [Test]
        public void ASYNCPROF_OUTPUT_naming_a_directory_writes_a_file_inside_it()
        {
            var dir = Path.Combine(app.Directory, "profiles-" + System.Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(dir);
            var run = Run(dir, "crash");
            Assert.That(run.StdErr, Does.Not.Contain("could not write"), run.ToString());
            var files = Directory.GetFiles(dir);
            Assert.That(files, Has.Length.EqualTo(1), run.ToString());
            Assert.That(Path.GetFileName(files[0]), Does.StartWith("RuntimeEdges-").And.EndWith(".json"));
            Assert.That(ProfileFile.Load(files[0]).Function("RuntimeEdges.Work.StepAsync").Calls, Is.EqualTo(1));
            Assert.That(File.Exists(dir + ".asyncprof.json"), Is.False, "no sibling file");
        }

        [Test]
        public void ASYNCPROF_OUTPUT_dev_null_discards_the_profile_quietly()
        {
            if (!File.Exists("/dev/null")) Assert.Ignore("no /dev/null on this system");
            var run = Run("/dev/null", "crash");
            Assert.That(run.StdErr, Does.Not.Contain("asyncprof:"), run.ToString());
            Assert.That(File.Exists("/dev/null.asyncprof.json"), Is.False);
        }

        [Test]
        public void Profiler_Start_before_any_woven_code_is_not_overridden_by_ASYNCPROF_OUTPUT()
        {
            var manual = Path.Combine(app.Directory, "manual.json");
            var run = Run(Path.Combine(app.Directory, "env.json"), "manual", manual);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            var p = ProfileFile.Load(manual);
            Assert.That(p.Function("RuntimeEdges.Work.StepAsync").Calls, Is.EqualTo(1), "the session the app started recorded its work");
            Assert.That(p.Function("RuntimeEdges.Work.StepAsync").Suspends, Is.EqualTo(1));
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AsyncProf.Reports;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// The profiles the viewer tests open: the format tests' profiles, the seed app as a user records it (woven by the
    /// real `asyncprof weave`, run with ASYNCPROF_OUTPUT and a timeline), and two generated ones that stress readers:
    /// a large one (hundreds of functions, thousands of calling contexts) and a deep one (stacks hundreds of frames
    /// deep, ending in a deep recursion).
    /// </summary>
    static class ViewerProfiles
    {
        public const string Seed = "seed app", Large = "large generated", Deep = "deep generated";

        public static readonly string[] Labels =
            { Seed, Large, Deep, "server built in code", "async-resume fixture", "recorded with timeline", "recorded without timeline" };

        /// <summary>The profiles with a timeline (the Chrome trace needs one).</summary>
        public static readonly string[] WithTimeline = { Seed, "server built in code", "async-resume fixture", "recorded with timeline" };

        static readonly Dictionary<string, Lazy<(Profile, ProfileFile)>> Cache = new()
        {
            [Seed] = new(RecordSeed, LazyThreadSafetyMode.ExecutionAndPublication),
            [Large] = new(() => Native(LargeProfile(), "large"), LazyThreadSafetyMode.ExecutionAndPublication),
            [Deep] = new(() => Native(DeepProfile(), "deep"), LazyThreadSafetyMode.ExecutionAndPublication),
        };

        public static (Profile Profile, ProfileFile Native) Load(string label) =>
            Cache.TryGetValue(label, out var lazy) ? lazy.Value : FormatFixtures.Load(label);

        /// <summary>A file-name friendly form of a label.</summary>
        public static string Slug(string label) => label.Replace(' ', '-');

        static (Profile, ProfileFile) Native(Profile profile, string name)
        {
            var path = FormatFixtures.SaveNative(profile, name);
            return (ProfileReader.Load(path), ProfileFile.Load(path));
        }

        static (Profile, ProfileFile) RecordSeed()
        {
            var build = ProjectBuilds.Build(RepoPaths.Sample("SeedApp"), "Release");
            var dir = ProjectBuilds.CopyToFresh(build, "viewers-seed");
            var dll = Path.Combine(dir, "SeedApp.dll");
            var weave = CliRunner.Run("weave", dll);
            Assert.That(weave.ExitCode, Is.EqualTo(0), weave.ToString());
            var profilePath = Path.Combine(dir, "profile.json");
            var run = ProcessRunner.Run("dotnet", new[] { dll, "2" }, dir,
                new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profilePath, ["ASYNCPROF_TIMELINE"] = "1" }, TimeSpan.FromMinutes(3));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.Exists(profilePath), "the seed app wrote no profile\n" + run);
            return (ProfileReader.Load(profilePath), ProfileFile.Load(profilePath));
        }

        /// <summary>A shape of calls to emit: figures of its own, children, walls derived so every caller covers its callees.</summary>
        sealed class Shape
        {
            public string Function = "";
            public string Kind = "sync";
            public long Calls, SelfWall, SelfCpu, SelfAlloc, Suspends;
            public readonly List<Shape> Children = new();
            public long Wall => SelfWall + Children.Sum(c => c.Wall);
        }

        static void Emit(ProfileBuilder b, long? parent, Shape s)
        {
            var id = b.Node(parent, s.Function, s.Kind, calls: s.Calls, wall: s.Wall, selfCpu: s.SelfCpu, selfAlloc: s.SelfAlloc, suspends: s.Suspends);
            foreach (var c in s.Children) Emit(b, id, c);
        }

        /// <summary>
        /// 300 functions in 30 classes, called in about 4,000 calling contexts five levels deep (a fixed seed: the same
        /// profile every run), async and sync, with figures spread over six orders of magnitude.
        /// </summary>
        public static Profile LargeProfile()
        {
            var random = new Random(20261201);
            string Name(int i) => $"Big.Module{i % 30:D2}.Function{i:D3}" + (i % 7 == 0 ? "Async" : "");
            Shape Make(int depth)
            {
                var i = random.Next(300);
                var s = new Shape
                {
                    Function = Name(i), Kind = i % 7 == 0 ? "async" : "sync", Calls = 1 + random.Next(50),
                    SelfWall = random.Next(1, 5_000_000), SelfCpu = random.Next(0, 2_000_000), SelfAlloc = random.Next(0, 100_000) * (random.Next(4) == 0 ? 1000L : 1L),
                };
                s.Suspends = s.Kind == "async" ? s.Calls : 0;
                s.SelfCpu = Math.Min(s.SelfCpu, s.SelfWall);
                if (depth < 5)
                    for (var k = random.Next(depth == 0 ? 8 : 3, 9); k > 0; k--) s.Children.Add(Make(depth + 1));
                return s;
            }
            var b = new ProfileBuilder { ProcessName = "Big" };
            var root = new Shape { Function = "Big.Program.Main", Kind = "async", Calls = 1, SelfWall = 1_000_000, SelfCpu = 500_000, SelfAlloc = 4096, Suspends = 3 };
            for (var k = 0; k < 4; k++) root.Children.Add(Make(1));
            Emit(b, null, root);
            return b.Build();
        }

        /// <summary>
        /// A stack 240 distinct frames deep (with its recursion, under the exporters' 256-frame cap, so every function keeps its own frames)
        /// whose last frame recurses 8 levels into itself.
        /// </summary>
        public static Profile DeepProfile()
        {
            var root = new Shape { Function = "Deep.Program.Main", Calls = 1, SelfWall = 1_000, SelfCpu = 900, SelfAlloc = 64 };
            var at = root;
            for (var i = 1; i < 240; i++)
            {
                var next = new Shape { Function = $"Deep.Layer{i:D3}.Call", Kind = i % 3 == 0 ? "async" : "sync", Calls = 1, SelfWall = 1_000 + i, SelfCpu = 500 + i, SelfAlloc = i % 5 == 0 ? 128 : 0 };
                next.Suspends = next.Kind == "async" ? 1 : 0;
                at.Children.Add(next);
                at = next;
            }
            // 8 levels: under the exporters' recursion collapse (10), so the viewers see every level; collapsing
            // deeper recursion is tested in Reports/Exporters/DeepRecursionFormatTests
            for (var i = 0; i < 8; i++)
            {
                var next = new Shape { Function = "Deep.Tree.Recurse", Calls = 1, SelfWall = 2_000, SelfCpu = 1_500 + i, SelfAlloc = 32 };
                at.Children.Add(next);
                at = next;
            }
            var b = new ProfileBuilder { ProcessName = "Deep" };
            Emit(b, null, root);
            return b.Build();
        }
    }
}

using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>
    /// Where <c>Save(path)</c> and <c>ASYNCPROF_OUTPUT</c> put a profile when the path is not a plain new file: a
    /// device (<c>/dev/null</c>), a named pipe, a directory, a directory that does not exist yet.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class ProfileOutputTests
    {
        static readonly int Base = Probe.RegisterModule("sync\tOut.Work\tOut.cs\t1");

        string _dir = null!;

        [SetUp]
        public void Record()
        {
            _dir = Path.Combine(RepoPaths.Scratch, "work", "output-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_dir);
            Profiler.Start();
            try
            {
                var token = Probe.Enter(Base);
                Probe.Exit(token);
            }
            finally { Profiler.Stop(); }
        }

        static string SaveCapturingStderr(string path)
        {
            var stderr = new StringWriter();
            var was = Console.Error;
            Console.SetError(stderr);
            try { Profiler.Save(path); }
            finally { Console.SetError(was); }
            return stderr.ToString();
        }

        [Test]
        public void Dev_null_is_written_into_not_beside()
        {
            if (!File.Exists("/dev/null")) Assert.Ignore("no /dev/null on this system");
            var stderr = SaveCapturingStderr("/dev/null");
            Assert.That(File.Exists("/dev/null.asyncprof.json"), Is.False, "no file beside the device");
            Assert.That(Directory.GetFiles("/dev").Where(f => Path.GetFileName(f).StartsWith("null.", StringComparison.Ordinal)), Is.Empty, "no temporary file left in /dev");
            Assert.That(UnixFiles.FileType("/dev/null"), Is.EqualTo("character special file"), "the device is still a device");
            Assert.That(stderr, Is.Empty);
        }

        [Test]
        public void A_named_pipe_receives_the_profile_and_stays_a_pipe()
        {
            var fifo = Path.Combine(_dir, "profile.pipe");
            UnixFiles.MakeFifo(fifo);
            var reader = Task.Run(() => File.ReadAllBytes(fifo));
            var save = Task.Run(() => SaveCapturingStderr(fifo));
            Assert.That(Task.WaitAll(new Task[] { reader, save }, TimeSpan.FromMinutes(2)), Is.True, "the profile went through the pipe");
            var profile = AsyncProf.Reports.ProfileReader.Parse(reader.Result, fifo);
            Assert.That(profile.Functions.Select(f => f.Name), Does.Contain("Out.Work"));
            Assert.That(UnixFiles.FileType(fifo), Is.EqualTo("fifo"), "the pipe was not replaced by a regular file");
            Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { fifo }), "nothing left beside it");
        }

        [Test]
        public void A_directory_gets_a_file_inside_it_named_after_the_app_and_process()
        {
            var stderr = SaveCapturingStderr(_dir);
            var files = Directory.GetFiles(_dir);
            Assert.That(files, Has.Length.EqualTo(1), "one file inside the directory");
            Assert.That(Path.GetFileName(files[0]), Does.Match(@"^[^/]+-\d{8}T\d{6}Z-" + Environment.ProcessId + @"\.json$"));
            Assert.That(AsyncProf.Reports.ProfileReader.Load(files[0]).Functions.Select(f => f.Name), Does.Contain("Out.Work"));
            Assert.That(File.Exists(_dir + ".asyncprof.json"), Is.False, "no sibling file");
            Assert.That(stderr, Is.Empty);
        }

        [Test]
        public void A_missing_directory_is_created_and_said_so()
        {
            var missing = Path.Combine(_dir, "runs", "today");
            var path = Path.Combine(missing, "profile.json");
            var stderr = SaveCapturingStderr(path);
            Assert.That(File.Exists(path), Is.True);
            Assert.That(CliRunner.Lines(stderr), Is.EqualTo(new[] { $"asyncprof: created the directory {missing} for the profile" }));
        }

        [Test]
        public void A_path_ending_in_a_separator_is_a_directory_created_if_missing()
        {
            var missing = Path.Combine(_dir, "profiles") + Path.DirectorySeparatorChar;
            var stderr = SaveCapturingStderr(missing);
            var files = Directory.GetFiles(missing);
            Assert.That(files, Has.Length.EqualTo(1));
            Assert.That(files[0], Does.EndWith("-" + Environment.ProcessId + ".json"));
            Assert.That(CliRunner.Lines(stderr), Has.Count.EqualTo(1).And.All.StartsWith("asyncprof: created the directory "));
        }
    }
}

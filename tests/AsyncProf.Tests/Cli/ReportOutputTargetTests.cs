using System;
using System.IO;
using System.Threading.Tasks;
using AsyncProf.Reports;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary><c>asyncprof report -o</c> into a device or a named pipe: written into, never replaced by a rename.</summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class ReportOutputTargetTests
    {
        static string Profile => Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Reports", "Exporters", "Data", "async-resume.json");

        [Test]
        public void A_named_pipe_receives_the_export_and_stays_a_pipe()
        {
            var dir = Path.Combine(RepoPaths.Scratch, "work", "report-pipe-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            var fifo = Path.Combine(dir, "out.json");
            UnixFiles.MakeFifo(fifo);
            var reader = Task.Run(() => File.ReadAllBytes(fifo));
            var run = CliRunner.Run(new[] { "report", Profile, "--format", "json", "-o", fifo }, null, TimeSpan.FromMinutes(2));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(reader.Wait(TimeSpan.FromMinutes(1)), Is.True, "the reader got its end of file");
            Assert.That(ProfileReader.Parse(reader.Result, fifo).Functions, Has.Count.EqualTo(4), "the whole profile came through the pipe");
            Assert.That(UnixFiles.FileType(fifo), Is.EqualTo("fifo"), "still a pipe, not a regular file renamed over it");
            Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { fifo }), "no temporary file left beside it");
        }

        [Test]
        public void Dev_null_stays_a_device()
        {
            if (!File.Exists("/dev/null")) Assert.Ignore("no /dev/null on this system");
            var run = CliRunner.Run("report", Profile, "--format", "callgrind", "-o", "/dev/null");
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(UnixFiles.FileType("/dev/null"), Is.EqualTo("character special file"));
        }
    }
}

using System;
using System.IO;
using System.Threading;
using AsyncProf.Cli;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>The progress line of a long run on a terminal: shown once the first second is up, even in the middle of
    /// the only file (one large assembly), and never after the run cleared it.</summary>
    [TestFixture, NonParallelizable]
    public class ProgressReporterTests
    {
        /// <summary>A writer the timer thread and the test can share.</summary>
        sealed class SharedWriter : StringWriter
        {
            public override void Write(string? value) { lock (this) base.Write(value); }
            public string Text { get { lock (this) return ToString(); } }
        }

        static string? saved;

        [OneTimeSetUp]
        public void NoOverride()
        {
            saved = Environment.GetEnvironmentVariable("ASYNCPROF_PROGRESS");
            Environment.SetEnvironmentVariable("ASYNCPROF_PROGRESS", null);
        }

        [OneTimeTearDown]
        public void PutBack() => Environment.SetEnvironmentVariable("ASYNCPROF_PROGRESS", saved);

        static bool WaitFor(Func<bool> condition)
        {
            // Generous: the line is due after one second; a loaded machine may take longer.
            for (var i = 0; i < 300 && !condition(); i++) Thread.Sleep(50);
            return condition();
        }

        [Test]
        public void A_single_long_file_shows_its_line_once_the_second_is_up_and_clear_erases_it()
        {
            var err = new SharedWriter();
            var progress = new ProgressReporter(err, isTerminal: true);
            progress.Step(1, 1, "weaving Big.dll");
            Assert.That(WaitFor(() => err.Text.Contains("[1/1] weaving Big.dll")), "shown while the only file is still being woven: " + err.Text);

            progress.Clear();
            Assert.That(err.Text, Does.EndWith("\r\u001b[K"), "the line is erased before the results are printed");
        }

        [Test]
        public void A_run_over_within_the_second_shows_nothing_later()
        {
            var err = new SharedWriter();
            var progress = new ProgressReporter(err, isTerminal: true);
            progress.Step(1, 2, "weaving A.dll");
            progress.Step(2, 2, "weaving B.dll");
            progress.Clear();
            Thread.Sleep(1500); // past the moment the line would have been due
            Assert.That(err.Text, Is.Empty);
        }

        [Test]
        public void Not_a_terminal_gets_no_progress_at_all()
        {
            var err = new SharedWriter();
            var progress = new ProgressReporter(err, isTerminal: false);
            progress.Step(1, 1, "weaving Big.dll");
            Thread.Sleep(1500);
            progress.Clear();
            Assert.That(err.Text, Is.Empty);
        }
    }
}

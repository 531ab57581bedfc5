using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    /// <summary>When queued work was queued, looked up by the work itself through Task.CurrentId (QueueProbe, queuedNs).</summary>
    [TestFixture, NonParallelizable]
    public class QueueTimesTests
    {
        [Test]
        public void The_work_takes_its_own_queue_time_once()
        {
            using var go = new ManualResetEventSlim();
            var task = Task.Run(() =>
            {
                go.Wait();
                return (QueueTimes.TakeCurrent(), QueueTimes.TakeCurrent());
            });
            QueueTimes.Record(task.Id, 12345);
            go.Set();
            Assert.That(task.Result, Is.EqualTo((12345L, 0L)), "taken once");
            Assert.That(QueueTimes.TakeCurrent(), Is.EqualTo(0), "outside a task there is nothing to take");
        }

        [Test]
        public void Another_task_sharing_the_entry_replaces_it_and_is_never_mistaken_for_it()
        {
            using var go = new ManualResetEventSlim();
            var first = Task.Run(() => { go.Wait(); return QueueTimes.TakeCurrent(); });
            QueueTimes.Record(first.Id, 111);
            QueueTimes.Record(first.Id + 4096, 222); // same low 12 bits: the same entry
            go.Set();
            Assert.That(first.Result, Is.EqualTo(0), "its entry went to the other id: unmeasured, not misattributed");
        }

        [Test]
        public void The_probe_records_only_while_a_session_records_and_only_work_not_yet_done()
        {
            Assert.That(Probe.Active, Is.False);
            Assert.That(QueueProbe.Before(), Is.EqualTo(0), "idle: no clock read");
            using var go = new ManualResetEventSlim();
            var task = Task.Run(() => { go.Wait(); return QueueTimes.TakeCurrent(); });
            QueueProbe.Queued(task, 0); // what woven code passes when nothing recorded at the call
            QueueProbe.Queued(Task.CompletedTask, 777); // done already: nothing to wait for
            go.Set();
            Assert.That(task.Result, Is.EqualTo(0));
        }
    }
}

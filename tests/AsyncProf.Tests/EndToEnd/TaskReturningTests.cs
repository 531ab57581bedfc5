using System.Collections.Generic;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// Issue 7 on real compiled code (tests/Fixtures/TaskReturning, Debug and Release): a method that returns a task
    /// is an async call, whatever awaitable it returns; work that outlives its caller is detached; overloads have
    /// names of their own. Figures are compared with each other (a facade's wall covers its core's), never with
    /// fixed durations beyond the waits the fixture makes.
    /// </summary>
    [TestFixtureSource(typeof(ZooApp), nameof(ZooApp.Configurations))]
    [Category(Categories.Integration)]
    public class TaskReturningTests
    {
        const string Ns = "TaskReturning.";
        const long Ms = 1_000_000;
        readonly string configuration;
        ProfileFile profile = null!;

        public TaskReturningTests(string configuration) => this.configuration = configuration;

        [OneTimeSetUp]
        public void Run()
        {
            var (process, p) = TaskReturningApp.Run(configuration);
            Assert.That(process.StdOut, Does.Contain("overloads 5"), "the woven fixture ran to its end\n" + process);
            profile = p;
        }

        ProfiledNode Node(string function, string? parent = null)
        {
            var nodes = profile.NodesOf(Ns + function).Where(n => parent == null || profile.FunctionById(profile.Parent(n)!.Function).Name == Ns + parent).ToList();
            Assert.That(nodes, Has.Count.EqualTo(1), $"one node of {function}" + (parent == null ? "" : " under " + parent));
            return nodes[0];
        }

        ProfiledNode Child(ProfiledNode parent, string function)
        {
            var nodes = profile.NodesOf(Ns + function).Where(n => n.Parent == parent.Id).ToList();
            Assert.That(nodes, Has.Count.EqualTo(1), $"one node of {function} under node {parent.Id}");
            return nodes[0];
        }

        [Test]
        public void A_facade_is_a_task_call_that_lasts_until_its_core_completes()
        {
            var facade = profile.Function(Ns + "Facades.Facade");
            Assert.That(facade.Kind, Is.EqualTo("task"));
            var node = Node("Facades.Facade", "Program.Main");
            var core = Child(node, "Facades.Core");
            Assert.That(node.Calls, Is.EqualTo(1));
            Assert.That(node.Suspends, Is.EqualTo(1), "the wait from return to completion is one suspension");
            Assert.That(node.WallNs, Is.GreaterThanOrEqualTo(core.WallNs), "the facade's wall covers its core's");
            Assert.That(node.WallNs, Is.GreaterThanOrEqualTo(95 * Ms), "the core awaits 100 ms");
            Assert.That(node.CpuNs, Is.LessThanOrEqualTo(node.WallNs), "inclusive CPU within wall");
            Assert.That(node.SelfCpuNs, Is.LessThan(core.CpuNs), "the waiting is not the facade's CPU: its core burns, it does not");
        }

        [Test]
        public void A_facade_of_a_facade_covers_both()
        {
            var chain = Node("Facades.Chain", "Program.Main");
            var facade = Child(chain, "Facades.Facade");
            var core = Child(facade, "Facades.Core");
            Assert.That(profile.Parent(core)!.Id, Is.EqualTo(facade.Id));
            Assert.That(chain.WallNs, Is.GreaterThanOrEqualTo(facade.WallNs));
            Assert.That(facade.WallNs, Is.GreaterThanOrEqualTo(core.WallNs));
            Assert.That(chain.Suspends, Is.EqualTo(1));
        }

        [Test]
        public void A_task_already_complete_at_return_ends_the_call_there()
        {
            var f = profile.Function(Ns + "Facades.AlreadyComplete");
            Assert.That((f.Kind, f.Calls, f.Suspends, f.Faults, f.Unobserved), Is.EqualTo(("task", 5L, 0L, 0L, 0L)));
            var completed = profile.Function(Ns + "ValueTasks.Completed");
            Assert.That((completed.Kind, completed.Calls, completed.Suspends, completed.Unobserved), Is.EqualTo(("task", 1L, 0L, 0L)));
        }

        [Test]
        public void Faulted_and_cancelled_tasks_mark_the_call_faulted()
        {
            var faulting = profile.Function(Ns + "Facades.Faulting");
            Assert.That((faulting.Calls, faulting.Faults, faulting.Suspends), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(faulting.WallNs, Is.GreaterThanOrEqualTo(profile.Function(Ns + "Facades.FaultingCore").WallNs));
            var cancelled = profile.Function(Ns + "Facades.Cancelled");
            Assert.That((cancelled.Calls, cancelled.Faults, cancelled.Suspends), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(cancelled.WallNs, Is.GreaterThanOrEqualTo(20 * Ms).And.LessThan(4000 * Ms), "cancelled after 30 ms, not at the 5 s delay");
        }

        [Test]
        public void A_ValueTask_over_a_task_is_observed_to_its_completion()
        {
            foreach (var (facade, core) in new[] { ("ValueTasks.OverTask", "ValueTasks.Delayed"), ("ValueTasks.OfAsyncMethod", "ValueTasks.AsyncCore") })
            {
                var f = profile.Function(Ns + facade);
                Assert.That((f.Kind, f.Calls, f.Suspends, f.Unobserved), Is.EqualTo(("task", 1L, 1L, 0L)), facade);
                Assert.That(f.WallNs, Is.GreaterThanOrEqualTo(profile.Function(Ns + core).WallNs), facade + " covers " + core);
                Assert.That(f.WallNs, Is.GreaterThanOrEqualTo(95 * Ms), facade);
            }
        }

        [Test]
        public void A_ValueTask_over_a_source_and_a_custom_awaitable_end_at_return_and_are_counted_unobserved()
        {
            // Their completion cannot be observed without consuming them (a source may be awaited once only): the
            // call ends at return and says so; the fixture awaiting them afterwards proves nothing was consumed.
            foreach (var name in new[] { "ValueTasks.OverSource", "OneShotSource.CompleteAfter", "ValueTasks.CustomAwaitable" })
            {
                var f = profile.Function(Ns + name);
                Assert.That((f.Kind, f.Calls, f.Suspends, f.Unobserved), Is.EqualTo(("task", 1L, 0L, 1L)), name);
            }
            Assert.That(profile.Functions.Where(f => f.Unobserved > 0).Select(f => f.Name),
                Is.EquivalentTo(new[] { Ns + "ValueTasks.OverSource", Ns + "OneShotSource.CompleteAfter", Ns + "ValueTasks.CustomAwaitable" }));
        }

        [Test]
        public void A_ValueTask_of_a_pooled_core_ends_when_the_woven_core_completes()
        {
            // The pooled builder's ValueTask is a source the facade must not touch; its woven core knows its end.
            var facade = Node("ValueTasks.OfPooledMethod", "Program.Main");
            var core = Child(facade, "ValueTasks.PooledCore");
            Assert.That((facade.Calls, facade.Suspends, facade.Unobserved), Is.EqualTo((1L, 1L, 0L)));
            Assert.That((core.Calls, core.Suspends, core.Detached), Is.EqualTo((1L, 1L, 0L)), "not detached: its caller waited for it");
            Assert.That(facade.WallNs, Is.GreaterThanOrEqualTo(core.WallNs));
        }

        [Test]
        public void Fire_and_forget_work_is_detached_and_not_in_its_callers_inclusive_figures()
        {
            var starter = Node("Outliving.StartInBackground");
            var background = Node("Outliving.Background", "Outliving.StartInBackground");
            Assert.That(background.Detached, Is.EqualTo(1), "completed after the sync call that started it had returned");
            Assert.That(starter.Detached, Is.EqualTo(0));
            var attached = profile.Tree.Where(c => c.Parent == starter.Id && !c.IsDetached).Sum(c => c.CpuNs);
            Assert.That(starter.CpuNs, Is.EqualTo(starter.SelfCpuNs + attached), "inclusive CPU leaves the detached child out");
            Assert.That(starter.AllocBytes, Is.EqualTo(starter.SelfAllocBytes + profile.Tree.Where(c => c.Parent == starter.Id && !c.IsDetached).Sum(c => c.AllocBytes)));
            Assert.That(background.CpuNs, Is.GreaterThan(0));
            Assert.That(profile.Function(Ns + "Outliving.Background").Detached, Is.EqualTo(1));
        }

        [Test]
        public void Un_awaited_queued_work_is_detached_awaited_work_is_not()
        {
            var queued = Node("Outliving.Spawner.lambda#1", "Outliving.Spawner");
            Assert.That((queued.Calls, queued.Detached), Is.EqualTo((1L, 1L)), "the lambda ran after Spawner completed");
            var awaited = Node("Outliving.AwaitsItsRun.lambda#1", "Outliving.AwaitsItsRun");
            Assert.That((awaited.Calls, awaited.Detached), Is.EqualTo((1L, 0L)));
            var spawner = Node("Outliving.Spawner");
            Assert.That(spawner.CpuNs, Is.LessThan(spawner.SelfCpuNs + queued.CpuNs).Or.EqualTo(spawner.SelfCpuNs), "the queued burn is not Spawner's");
            Assert.That(profile.Tree.Where(n => n.Detached > 0).Select(n => profile.FunctionById(n.Function).Name),
                Is.EquivalentTo(new[] { Ns + "Outliving.Background", Ns + "Outliving.Spawner.lambda#1" }), "nothing else outlived its caller");
        }

        [Test]
        public void Overloads_carry_their_parameter_types_other_names_stay_short()
        {
            var names = profile.Functions.Select(f => f.Name).ToList();
            Assert.That(names, Is.Unique, "no two functions share a name");
            Assert.That(names, Does.Contain(Ns + "Overloads.Pick(int)"));
            Assert.That(names, Does.Contain(Ns + "Overloads.Pick(string)"));
            Assert.That(names, Does.Contain(Ns + "Overloads.Pick(List<int>, out int)"));
            Assert.That(names, Does.Contain(Ns + "Overloads.Unique"));
            Assert.That(names, Does.Contain(Ns + "Facades.Facade"), "not overloaded: short");
        }

        [Test]
        public void The_profile_invariants_hold()
        {
            // one thing at a time (the Task.WhenAll joins work that already ran one after the other)
            ProfileInvariants.AssertHold(profile);
            Assert.That(profile.Functions.Sum(f => f.InFlight), Is.EqualTo(0), "every call completed");
        }
    }
}

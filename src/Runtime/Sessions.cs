using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// Every session there is, in one place: the whole-process session that records, the last one
    /// <see cref="Profiler.Start()"/> began (which <see cref="Profiler.Stop"/> and <see cref="Profiler.Save"/> act
    /// on), the <c>ASYNCPROF_OUTPUT</c> one (<see cref="EnvironmentSession"/>), and the scopes of execution-context
    /// flows. Starting and stopping (cold paths) take one lock, so <see cref="Probe.Active"/> always matches what
    /// records; <see cref="Resolve"/>, on the hot path, takes none.
    /// </summary>
    internal static class Sessions
    {
        static volatile Session? current;
        static Session? lastStarted;
        static Session? fromEnvironment;

        /// <summary>
        /// Scoped sessions (<see cref="Profiler.StartScope()"/>): the session of the execution-context flow that
        /// started one; work queued or awaited by that flow records into it, every other flow does not.
        /// </summary>
        static readonly AsyncLocal<ScopeLink?> Scope = new AsyncLocal<ScopeLink?>();
        static int activeScopes; // written under Transitions, read without it

        static readonly object Transitions = new object();

        /// <summary>The whole-process session, if one records.</summary>
        public static Session? Current => current;

        /// <summary>The last session <see cref="Profiler.Start()"/> began, stopped or not (null before the first).</summary>
        public static Session? LastStarted => lastStarted;

        /// <summary>The session ASYNCPROF_OUTPUT started, if it did (written when the process exits).</summary>
        public static Session? FromEnvironment => fromEnvironment;

        /// <summary>
        /// Where a call starting on this flow records: the flow's scope if one records, else the whole-process
        /// session. With no scope anywhere this is one static read; with scopes, one AsyncLocal read more.
        /// </summary>
        internal static Session? Resolve()
        {
            if (Volatile.Read(ref activeScopes) != 0)
                for (var link = Scope.Value; link != null; link = link.Parent) // a stopped inner scope gives way to its outer one
                {
                    var scoped = link.Session;
                    if (scoped != null && scoped.Recording) return scoped;
                }
            return current;
        }

        /// <summary>Runs once, from Probe's type initializer: starts the ASYNCPROF_OUTPUT session if asked. Returns Probe.Active.</summary>
        public static bool Bootstrap()
        {
            EnvironmentSession.StartIfRequested();
            return current != null;
        }

        /// <summary><see cref="Profiler.Start(ProfilerOptions)"/>: stops the whole-process session, if one records, and starts another.</summary>
        public static Session StartReplacing(ProfilerOptions options)
        {
            var running = current;
            if (running != null) Stop(running);
            return lastStarted = Start(CpuWindowNs(options), TimelineOf(options));
        }

        /// <summary>Starts the ASYNCPROF_OUTPUT session (once, from <see cref="Bootstrap"/>).</summary>
        public static Session StartFromEnvironment(long cpuWindowNs, Timeline? timeline) =>
            fromEnvironment = Start(cpuWindowNs, timeline);

        /// <summary>Starts a whole-process session, which takes the place of the current one for new calls.</summary>
        static Session Start(long cpuWindowNs, Timeline? timeline)
        {
            // Probe's type initializer may start the ASYNCPROF_OUTPUT session: let it run first, never after.
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Probe).TypeHandle);
            var session = new Session(cpuWindowNs, timeline);
            lock (Transitions)
            {
                current = session;
                UpdateActive();
            }
            return session;
        }

        /// <summary><see cref="Profiler.StartScope(ProfilerOptions)"/>: a session of this flow's own, until <see cref="StopScope"/>.</summary>
        public static ScopeLink StartScope(ProfilerOptions options)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Probe).TypeHandle);
            var link = new ScopeLink(new Session(CpuWindowNs(options), TimelineOf(options), isScope: true), Scope.Value);
            lock (Transitions)
            {
                Scope.Value = link;
                activeScopes++;
                UpdateActive();
            }
            return link;
        }

        public static void StopScope(ScopeLink link)
        {
            var session = link.Session;
            if (session == null) return;
            Stop(session);
            link.Session = null; // contexts captured during the scope (timers, cached tasks) no longer hold its profile
        }

        /// <summary>Stops a whole-process session or a scope's, once (a second stop, or a racing one, does nothing).</summary>
        public static void Stop(Session session)
        {
            lock (Transitions)
            {
                if (!session.Recording) return;
                session.Recording = false;
                session.StopTimestamp = Clock.Now();
                if (session.IsScope) activeScopes--;
                else if (current == session) current = null;
                UpdateActive();
            }
        }

        static long CpuWindowNs(ProfilerOptions options) => options.CpuWindowMicroseconds * 1000L;

        static Timeline? TimelineOf(ProfilerOptions options) =>
            options.RecordTimeline ? new Timeline(options.TimelineCapacity) : null;

        static void UpdateActive() => Probe.Active = current != null || activeScopes != 0;
    }
}

using System;

namespace AsyncProf
{
    /// <summary>A profile of one execution-context flow, from <see cref="Profiler.StartScope()"/>.</summary>
    public sealed partial class ProfilingScope : IDisposable
    {
        readonly Session session;
        readonly ScopeLink link;

        internal ProfilingScope(ScopeLink link)
        {
            this.link = link;
            session = link.Session!;
        }

        /// <summary>True until <see cref="Stop"/> or <see cref="Dispose"/>.</summary>
        public bool IsRecording => session.Recording;

        /// <summary>Stops recording; what was recorded stays available to <see cref="Save"/>.</summary>
        public void Stop() => Sessions.StopScope(link);

        /// <summary>Writes what the scope recorded (so far, if it still records), in the format the extension names.</summary>
        public void Save(string path) => ProfileOutput.Write(session, path);

        public void Dispose() => Stop();
    }
}

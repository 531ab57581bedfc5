namespace AsyncProf
{
    /// <summary>
    /// A scope's place in its execution-context flow. The AsyncLocal holds this, not the session, so stopping the
    /// scope releases its profile even from contexts captured during it (timers, cached tasks); a scope started
    /// inside another chains to it, and the outer one records again once the inner one stops.
    /// </summary>
    internal sealed class ScopeLink
    {
        public volatile Session? Session;
        public readonly ScopeLink? Parent;

        public ScopeLink(Session session, ScopeLink? parent)
        {
            Session = session;
            Parent = parent;
        }
    }
}

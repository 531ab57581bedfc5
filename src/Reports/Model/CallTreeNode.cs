namespace AsyncProf.Reports
{
    /// <summary>
    /// One node of the calling-context tree as read from a profile: a function reached through one logical call path.
    /// The same node the runtime records (<c>CallNode</c>) and freezes in its snapshot; <see cref="CallTree"/> indexes them.
    /// </summary>
    public sealed class CallTreeNode : CallFigures
    {
        public long Id { get; init; }
        /// <summary>The calling node's id, or null for a root.</summary>
        public long? Parent { get; init; }
        /// <summary>Id of the function in <see cref="Profile.Functions"/>.</summary>
        public long Function { get; init; }
    }
}

namespace AsyncProf.Reports
{
    /// <summary>One node of the calling-context tree: a function reached through one logical call path.</summary>
    public sealed class TreeNode : CallFigures
    {
        public long Id { get; init; }
        /// <summary>The calling node's id, or null for a root.</summary>
        public long? Parent { get; init; }
        /// <summary>Id of the function in <see cref="Profile.Functions"/>.</summary>
        public long Function { get; init; }
    }
}

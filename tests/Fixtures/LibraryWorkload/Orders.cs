using System.Collections.Generic;

namespace LibraryWorkload
{
    /// <summary>The data the JSON and validation steps work on.</summary>
    public sealed class Order
    {
        public int Id { get; set; }
        public string Customer { get; set; } = "";
        public List<OrderLine> Lines { get; set; } = new();
    }

    public sealed class OrderLine
    {
        public string Product { get; set; } = "";
        public int Quantity { get; set; }
        public decimal Price { get; set; }
    }
}

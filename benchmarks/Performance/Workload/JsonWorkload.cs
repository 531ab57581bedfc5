using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace PerfWorkload
{
    /// <summary>
    /// A real library's call-dense code: Newtonsoft.Json serializing and deserializing a realistic order graph.
    /// Json() is the top-level function whose recorded time the harness compares with its unprofiled time, so the
    /// warm-up goes through a different function (same library paths) and only the timed reps are Json() calls.
    /// </summary>
    public static class JsonWorkload
    {
        static readonly JsonSerializerSettings Settings = new() { DateFormatHandling = DateFormatHandling.IsoDateFormat };

        /// <summary>Also checks the round trip: what came back serializes to the same text, or a weave broke the library.</summary>
        public static long Warmup()
        {
            var orders = Orders.Make(300);
            var text = JsonConvert.SerializeObject(orders, Settings);
            var again = JsonConvert.SerializeObject(JsonConvert.DeserializeObject<List<Order>>(text, Settings), Settings);
            if (again != text) throw new InvalidOperationException("the JSON round trip changed the orders: this build is broken");
            return RoundTrip(orders);
        }

        public static long Json(int n) => RoundTrip(Orders.Make(n));

        static long RoundTrip(List<Order> orders)
        {
            var text = JsonConvert.SerializeObject(orders, Settings);
            var back = JsonConvert.DeserializeObject<List<Order>>(text, Settings)!;
            return text.Length + back.Count;
        }
    }

    public enum OrderStatus { Placed, Paid, Shipped, Delivered }

    public sealed class Address
    {
        public string Street { get; set; } = "";
        public string City { get; set; } = "";
        public string PostCode { get; set; } = "";
        public string Country { get; set; } = "";
    }

    public sealed class Customer
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public Address Address { get; set; } = new();
    }

    public sealed class OrderLine
    {
        public string Sku { get; set; } = "";
        public int Quantity { get; set; }
        public decimal UnitPrice { get; set; }
        public double? Discount { get; set; }
    }

    public sealed class Order
    {
        public Guid Id { get; set; }
        public DateTime PlacedUtc { get; set; }
        public OrderStatus Status { get; set; }
        public Customer Customer { get; set; } = new();
        public List<OrderLine> Lines { get; set; } = new();
        public Dictionary<string, string> Tags { get; set; } = new();
        public bool Gift { get; set; }
    }

    /// <summary>Deterministic orders (no Random: every configuration serializes the same text).</summary>
    public static class Orders
    {
        public static List<Order> Make(int n)
        {
            var orders = new List<Order>(n);
            var epoch = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 0; i < n; i++)
            {
                var order = new Order
                {
                    Id = new Guid(i, (short)(i >> 3), (short)(i & 7), 1, 2, 3, 4, 5, 6, 7, 8),
                    PlacedUtc = epoch.AddMinutes(i * 7),
                    Status = (OrderStatus)(i % 4),
                    Gift = i % 5 == 0,
                    Customer = new Customer
                    {
                        Id = i % 997,
                        Name = "Customer " + (i % 997),
                        Email = $"c{i % 997}@example.com",
                        Address = new Address { Street = $"{i % 200} Main Street", City = "Springfield", PostCode = $"{10000 + i % 9000}", Country = "NL" },
                    },
                };
                for (var l = 0; l < 1 + i % 4; l++)
                    order.Lines.Add(new OrderLine { Sku = $"SKU-{(i * 31 + l) % 5000:D5}", Quantity = 1 + l, UnitPrice = 9.95m + l, Discount = l % 2 == 0 ? null : 0.1 * l });
                order.Tags["channel"] = i % 2 == 0 ? "web" : "store";
                if (i % 3 == 0) order.Tags["campaign"] = "winter";
                orders.Add(order);
            }
            return orders;
        }
    }
}

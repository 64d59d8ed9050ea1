//! Word lists the generator draws names from. All invented; any resemblance is chance.

pub(crate) const FIRST_NAMES: [&str; 48] = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Mateo", "Sofia", "Leon", "Hannah", "Elias", "Chloe",
    "Hugo", "Amelia", "Oscar", "Isla", "Arjun", "Priya", "Kenji", "Yuki", "Wei", "Mei", "Diego", "Camila", "Lars",
    "Ingrid", "Pierre", "Camille", "Marco", "Giulia", "Tomasz", "Zofia", "Omar", "Layla", "Thabo", "Naledi", "Ethan",
    "Grace", "Daniel", "Sarah", "Jonas", "Lea", "Rafael", "Beatriz", "Samuel", "Nora", "Aiden",
];

pub(crate) const LAST_NAMES: [&str; 48] = [
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Brown", "Wilson", "Anderson", "Taylor", "Thomas",
    "Moore", "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Lopez", "Hill", "Green", "Adams", "Baker",
    "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
    "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Schmidt", "Muller", "Dubois", "Rossi", "Kowalski",
    "Tanaka", "Patel", "Okafor",
];

/// First words of customer names; paired with [`COMPANY_NOUNS`] for ~300 distinct names.
pub(crate) const COMPANY_WORDS: [&str; 26] = [
    "Apex",
    "Blue River",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Iron Peak",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Northgate",
    "Oakridge",
    "Pinnacle",
    "Quantum",
    "Redwood",
    "Silverline",
    "Trident",
    "Union",
    "Vanguard",
    "Westbrook",
    "Yellowstone",
    "Zenith",
    "Brightwater",
];

/// Second words of customer names with the industry (1-based id in `crm_industry`) they imply.
pub(crate) const COMPANY_NOUNS: [(&str, i64); 12] = [
    ("Retail", 1),
    ("Foods", 1),
    ("Manufacturing", 2),
    ("Motors", 2),
    ("Health", 3),
    ("Bank", 4),
    ("Insurance", 4),
    ("University", 5),
    ("Systems", 7),
    ("Logistics", 8),
    ("Energy", 9),
    ("Hotels", 10),
];

pub(crate) const SKILLS: [(&str, &str); 20] = [
    ("SQL", "Technical"),
    ("Python", "Technical"),
    ("Rust", "Technical"),
    ("Cloud Architecture", "Technical"),
    ("Data Analysis", "Technical"),
    ("Networking", "Technical"),
    ("Excel Modelling", "Technical"),
    ("Negotiation", "Sales"),
    ("Account Planning", "Sales"),
    ("Solution Selling", "Sales"),
    ("Customer Service", "Sales"),
    ("German", "Language"),
    ("French", "Language"),
    ("Spanish", "Language"),
    ("Japanese", "Language"),
    ("Mandarin", "Language"),
    ("People Management", "Management"),
    ("Project Management", "Management"),
    ("Budgeting", "Management"),
    ("Coaching", "Management"),
];

pub(crate) const SUPPLIERS: [(&str, &str); 25] = [
    ("Brightway Electronics Co.", "CN"),
    ("Pacific Components Ltd.", "CN"),
    ("Shenzhen Lumina Technology", "CN"),
    ("Taipei Precision Devices", "CN"),
    ("Kansai Display Works", "JP"),
    ("Osaka Circuit Industries", "JP"),
    ("Hanbit Semiconductor", "KR"),
    ("Seoul Digital Supply", "KR"),
    ("Bangalore Peripheral Systems", "IN"),
    ("Nordic Supply AB", "SE"),
    ("Rhein Industrial GmbH", "DE"),
    ("Bavaria Office Furniture GmbH", "DE"),
    ("Atlas Cable & Wire", "US"),
    ("Summit Network Products", "US"),
    ("Great Lakes Printing Supplies", "US"),
    ("Silicon Valley Storage Inc.", "US"),
    ("Maple Leaf Audio", "CA"),
    ("Lyon Acoustique SA", "FR"),
    ("Iberia Accessories SL", "ES"),
    ("Milano Design Srl", "IT"),
    ("Polska Electronics Sp. z o.o.", "PL"),
    ("Sao Paulo Tech Distribuidora", "BR"),
    ("Singapore Components Pte.", "SG"),
    ("Alpine Software AG", "CH"),
    ("Cape Peripheral Traders", "ZA"),
];

/// Categories with five products each: name, list price range in dollars.
pub(crate) const CATEGORIES: [(&str, &str, i64, i64); 10] = [
    ("Laptops", "Notebook computers for business and education.", 700, 2600),
    ("Desktops", "Desktop computers and workstations.", 600, 2400),
    ("Monitors", "Displays and monitors.", 150, 1200),
    ("Accessories", "Keyboards, mice, docks, bags and cables.", 15, 250),
    ("Networking", "Switches, routers and wireless access points.", 80, 1800),
    ("Storage", "Drives, NAS and backup appliances.", 60, 1500),
    ("Printers", "Printers, scanners and supplies.", 120, 900),
    ("Audio", "Headsets, speakers and conference audio.", 40, 600),
    ("Phones", "Smartphones and desk phones.", 150, 1300),
    ("Software", "Software licenses and subscriptions.", 50, 900),
];

pub(crate) const PRODUCT_NAMES: [[&str; 5]; 10] = [
    ["ProBook 14", "UltraBook Air 13", "WorkStation X15", "EduBook 11", "TravelMate Flex 14"],
    ["OfficeTower 500", "CompactMini Q2", "Creator Studio Z", "AllInOne 27", "ThinClient T1"],
    ["ClearView 24 Monitor", "UltraWide 34 Monitor", "4K Pro 27 Monitor", "Portable 16 Monitor", "Curved 32 Monitor"],
    ["Wireless Mouse M3", "Mechanical Keyboard K8", "USB-C Dock D5", "Laptop Backpack B2", "HDMI Cable 2m"],
    ["Gigabit Switch 24", "Mesh Router R6", "WiFi 6 Access Point", "Firewall Appliance F200", "PoE Switch 8"],
    ["Portable SSD 1TB", "NAS Server 4-Bay", "Backup Appliance B10", "Enterprise HDD 8TB", "USB Flash 128GB"],
    ["LaserJet Office 400", "Inkjet Color 220", "Document Scanner S1", "Label Printer L5", "Toner Pack Black"],
    [
        "Noise-Cancel Headset H7",
        "Conference Speaker C3",
        "Bluetooth Earbuds E2",
        "Studio Monitor Speakers",
        "USB Desk Microphone",
    ],
    ["Smartphone Pro 6", "Smartphone Lite 5", "IP Desk Phone 300", "Rugged Phone X", "DECT Handset D2"],
    [
        "Office Suite License",
        "Antivirus Business 1Y",
        "Backup Cloud 1TB 1Y",
        "Remote Desktop License",
        "Project Planner Pro",
    ],
];

pub(crate) const BRANDS: [&str; 8] = ["Aurora", "Vertex", "Nimbus", "Kestrel", "Lumen", "Orbit", "Quanta", "Zephyr"];

pub(crate) const TAGS: [&str; 8] = [
    "Bestseller",
    "Eco Friendly",
    "New Arrival",
    "Clearance",
    "Business Grade",
    "Refurbished",
    "Energy Star",
    "Limited Edition",
];

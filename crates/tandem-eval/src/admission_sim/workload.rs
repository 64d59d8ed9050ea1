//! Workloads: who sends what, and when. Generated from a seed, so a run is reproducible.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::error::SimError;

/// When requests reach the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Arrival {
    /// Every request at time zero (a benchmark's "request rate inf").
    Burst,
    /// Independent arrivals at a mean rate (exponential gaps).
    Poisson { per_s: f64 },
    /// `concurrency` clients, each sending its next request as soon as the last one ends.
    ClosedLoop { concurrency: usize },
}

/// A family of requests, drawn with probability `share`. Token counts are uniform within
/// their inclusive ranges.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestClass {
    pub name: &'static str,
    pub share: f64,
    pub prompt_tokens: (u32, u32),
    pub output_tokens: (u32, u32),
    /// The first tokens of the prompt are one of a few shared prefixes (a system prompt and
    /// fixed examples), which a prefix cache serves after their first use.
    pub shared_prefix: Option<SharedPrefix>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SharedPrefix {
    pub n_variants: u32,
    pub tokens: u32,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadConfig {
    pub n_requests: usize,
    pub arrival: Arrival,
    pub classes: Vec<RequestClass>,
    pub seed: u64,
}

/// A shared prefix one request starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// Unique across classes.
    pub id: u32,
    pub tokens: u32,
}

/// One request of a workload.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSpec {
    pub id: usize,
    /// Index into the workload's classes.
    pub class: usize,
    /// Seconds after the start; zero for closed-loop workloads, whose clients pace themselves.
    pub arrival_s: f64,
    pub prompt_tokens: u32,
    pub output_tokens: u32,
    pub prefix: Option<Prefix>,
}

/// A generated workload: the requests in arrival order.
#[derive(Debug, Clone)]
pub struct Workload {
    pub config: WorkloadConfig,
    pub requests: Vec<RequestSpec>,
}

impl WorkloadConfig {
    /// The mean prompt tokens of one request, from the classes' ranges.
    pub fn mean_prompt_tokens(&self) -> f64 {
        let total_share: f64 = self.classes.iter().map(|class| class.share).sum();
        if total_share <= 0.0 {
            return 0.0;
        }
        self.classes
            .iter()
            .map(|class| class.share * (f64::from(class.prompt_tokens.0) + f64::from(class.prompt_tokens.1)) / 2.0)
            .sum::<f64>()
            / total_share
    }

    fn check(&self) -> Result<(), SimError> {
        let invalid = |setting, detail: String| Err(SimError::InvalidSetting { setting, detail });
        if self.n_requests == 0 {
            return invalid("requests", "a workload needs at least one request".to_owned());
        }
        if self.classes.is_empty() || self.classes.iter().any(|class| !(class.share.is_finite() && class.share >= 0.0))
        {
            return invalid("classes", "shares must be finite and non-negative".to_owned());
        }
        if self.classes.iter().map(|class| class.share).sum::<f64>() <= 0.0 {
            return invalid("classes", "at least one class needs a positive share".to_owned());
        }
        for class in &self.classes {
            let (prompt, output) = (class.prompt_tokens, class.output_tokens);
            if prompt.0 == 0 || prompt.0 > prompt.1 || output.0 == 0 || output.0 > output.1 {
                return invalid("classes", format!("class `{}` has an empty or zero token range", class.name));
            }
            if class.shared_prefix.is_some_and(|prefix| prefix.n_variants == 0 || prefix.tokens >= prompt.0) {
                return invalid("classes", format!("class `{}` has a prefix as long as its prompts", class.name));
            }
        }
        match self.arrival {
            Arrival::Poisson { per_s } if !(per_s.is_finite() && per_s > 0.0) => {
                invalid("arrival", format!("a Poisson rate must be positive, not {per_s}"))
            }
            Arrival::ClosedLoop { concurrency: 0 } => invalid("arrival", "concurrency must be positive".to_owned()),
            _ => Ok(()),
        }
    }
}

impl Workload {
    /// Draws the requests. The same configuration (seed included) gives the same requests.
    pub fn generate(config: &WorkloadConfig) -> Result<Workload, SimError> {
        config.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let total_share: f64 = config.classes.iter().map(|class| class.share).sum();
        let mut clock_s = 0.0;
        let mut requests = Vec::with_capacity(config.n_requests);
        for id in 0..config.n_requests {
            let class = pick_class(&config.classes, total_share, rng.random::<f64>());
            let spec = &config.classes[class];
            let prefix = spec.shared_prefix.map(|shared| Prefix {
                id: u32::try_from(class).unwrap_or(u32::MAX).saturating_mul(1_000)
                    + rng.random_range(0..shared.n_variants),
                tokens: shared.tokens,
            });
            let prompt_tokens = rng.random_range(spec.prompt_tokens.0..=spec.prompt_tokens.1);
            let output_tokens = rng.random_range(spec.output_tokens.0..=spec.output_tokens.1);
            if let Arrival::Poisson { per_s } = config.arrival {
                // Inverse transform of a uniform draw in (0, 1]; never ln(0).
                let uniform = 1.0 - rng.random::<f64>();
                clock_s += -uniform.ln() / per_s;
            }
            requests.push(RequestSpec { id, class, arrival_s: clock_s, prompt_tokens, output_tokens, prefix });
        }
        Ok(Workload { config: config.clone(), requests })
    }
}

fn pick_class(classes: &[RequestClass], total_share: f64, draw: f64) -> usize {
    let mut threshold = draw * total_share;
    for (index, class) in classes.iter().enumerate() {
        if threshold < class.share {
            return index;
        }
        threshold -= class.share;
    }
    classes.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(arrival: Arrival) -> WorkloadConfig {
        WorkloadConfig {
            n_requests: 2_000,
            arrival,
            classes: vec![
                RequestClass {
                    name: "long",
                    share: 0.25,
                    prompt_tokens: (8_000, 40_000),
                    output_tokens: (100, 300),
                    shared_prefix: None,
                },
                RequestClass {
                    name: "short",
                    share: 0.75,
                    prompt_tokens: (2_000, 4_000),
                    output_tokens: (50, 100),
                    shared_prefix: Some(SharedPrefix { n_variants: 3, tokens: 1_500 }),
                },
            ],
            seed: 7,
        }
    }

    #[test]
    fn same_seed_same_requests_and_another_seed_differs() {
        let a = Workload::generate(&config(Arrival::Poisson { per_s: 2.0 })).unwrap();
        let b = Workload::generate(&config(Arrival::Poisson { per_s: 2.0 })).unwrap();
        assert_eq!(a.requests, b.requests);
        let c = Workload::generate(&WorkloadConfig { seed: 8, ..config(Arrival::Poisson { per_s: 2.0 }) }).unwrap();
        assert_ne!(a.requests, c.requests);
    }

    #[test]
    fn draws_respect_shares_ranges_and_rate() {
        let workload = Workload::generate(&config(Arrival::Poisson { per_s: 2.0 })).unwrap();
        let long = workload.requests.iter().filter(|r| r.class == 0).count();
        assert!((400..600).contains(&long), "{long} long requests of 2,000 at a 25% share");
        for request in &workload.requests {
            let class = &workload.config.classes[request.class];
            assert!((class.prompt_tokens.0..=class.prompt_tokens.1).contains(&request.prompt_tokens));
            assert_eq!(request.prefix.is_some(), class.shared_prefix.is_some());
        }
        let prefixes: std::collections::BTreeSet<u32> =
            workload.requests.iter().filter_map(|r| r.prefix.map(|p| p.id)).collect();
        assert_eq!(prefixes.into_iter().collect::<Vec<_>>(), vec![1_000, 1_001, 1_002]);
        // 2,000 arrivals at 2 per second span about 1,000 seconds.
        let last = workload.requests.last().unwrap().arrival_s;
        assert!((900.0..1_100.0).contains(&last), "{last}");
        assert!(workload.requests.windows(2).all(|pair| pair[0].arrival_s <= pair[1].arrival_s));
    }

    #[test]
    fn bursts_arrive_at_once_and_nonsense_is_refused() {
        let burst = Workload::generate(&config(Arrival::Burst)).unwrap();
        assert!(burst.requests.iter().all(|r| r.arrival_s == 0.0));
        assert!((config(Arrival::Burst).mean_prompt_tokens() - (0.25 * 24_000.0 + 0.75 * 3_000.0)).abs() < 1e-6);
        for bad in [
            WorkloadConfig { n_requests: 0, ..config(Arrival::Burst) },
            config(Arrival::Poisson { per_s: -1.0 }),
            config(Arrival::ClosedLoop { concurrency: 0 }),
            WorkloadConfig { classes: Vec::new(), ..config(Arrival::Burst) },
        ] {
            assert!(matches!(Workload::generate(&bad), Err(SimError::InvalidSetting { .. })), "{bad:?}");
        }
    }
}

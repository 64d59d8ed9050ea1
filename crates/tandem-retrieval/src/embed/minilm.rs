//! all-MiniLM-L6-v2 run in process with candle: BERT, mean pooling, L2 normalisation — the
//! sentence-transformers recipe the model was trained for — and the distillation of its
//! vocabulary into static piece vectors ([`super::DistilledMiniLm`]).

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::{Embedder, normalize};
use crate::RetrievalError;

/// Texts per forward pass: large enough to amortise per-call overhead, small enough that the
/// longest text in a batch does not pad many short ones.
const BATCH: usize = 32;

/// Vocabulary pieces per forward pass when distilling; each is three positions long
/// (`[CLS] piece [SEP]`), so nothing is padded.
const DISTILL_BATCH: usize = 512;

/// The all-MiniLM-L6-v2 sentence embedder (384 dimensions), loaded from local files.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dimension: usize,
    n_vocab: usize,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLm").field("dimension", &self.dimension).finish_non_exhaustive()
    }
}

fn model_file(dir: &Path, name: &str) -> Result<PathBuf, RetrievalError> {
    let path = dir.join(name);
    if path.is_file() { Ok(path) } else { Err(RetrievalError::ModelMissing { dir: dir.to_owned() }) }
}

/// The model's tokenizer as shipped (it pads every text to 128 pieces; callers set their own
/// padding and truncation).
pub(super) fn read_tokenizer(dir: &Path) -> Result<Tokenizer, RetrievalError> {
    Tokenizer::from_file(model_file(dir, "tokenizer.json")?).map_err(RetrievalError::Tokenizer)
}

impl MiniLm {
    /// Loads the model from a directory holding `config.json`, `tokenizer.json` and
    /// `model.safetensors` (what [`super::fetch_minilm`] returns). Texts are cut to
    /// `max_tokens` word pieces (the model was trained on up to 256; 128 keeps indexing fast
    /// and a table description rarely needs more).
    pub fn load(dir: &Path, max_tokens: usize) -> Result<Self, RetrievalError> {
        let config_path = model_file(dir, "config.json")?;
        let config_text = std::fs::read_to_string(&config_path)
            .map_err(|source| RetrievalError::ModelFile { path: config_path.clone(), source })?;
        let config: Config = serde_json::from_str(&config_text)
            .map_err(|source| RetrievalError::ModelConfig { path: config_path, source })?;

        let mut tokenizer = read_tokenizer(dir)?;
        // Padding to the batch's longest text does the shipped tokenizer's work (every text
        // padded to 128) on far fewer positions.
        tokenizer
            .with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..PaddingParams::default() }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens.clamp(8, 512),
                ..TruncationParams::default()
            }))
            .map_err(RetrievalError::Tokenizer)?;

        let device = Device::Cpu;
        let weights = model_file(dir, "model.safetensors")?;
        // Memory-mapping the weights would need `unsafe` (the file could change under the
        // mapping), which this workspace denies; reading 90 MB once per process is cheap.
        let bytes = std::fs::read(&weights).map_err(|source| RetrievalError::ModelFile { path: weights, source })?;
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)?;
        let model = BertModel::load(vb, &config)?;
        Ok(Self { model, tokenizer, device, dimension: config.hidden_size, n_vocab: config.vocab_size })
    }

    /// Runs the model on every vocabulary piece alone (`[CLS] piece [SEP]`) and keeps the
    /// output at the piece's own position: `(dimension, one row per piece id)`. The special
    /// tokens' outputs are left out, or they would dominate every piece's vector.
    pub(super) fn distill(&self) -> Result<(usize, Vec<f32>), RetrievalError> {
        let special = |token: &str| {
            self.tokenizer.token_to_id(token).ok_or_else(|| RetrievalError::MissingToken { token: token.to_owned() })
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        let pieces: Vec<u32> = (0..u32::try_from(self.n_vocab).unwrap_or(u32::MAX)).collect();
        let mut vectors = Vec::with_capacity(self.n_vocab * self.dimension);
        for chunk in pieces.chunks(DISTILL_BATCH) {
            let ids: Vec<u32> = chunk.iter().flat_map(|&piece| [cls, piece, sep]).collect();
            let ids = Tensor::from_vec(ids, (chunk.len(), 3), &self.device)?;
            let hidden = self.model.forward(&ids, &ids.zeros_like()?, None)?;
            let own: Vec<Vec<f32>> = hidden.narrow(1, 1, 1)?.squeeze(1)?.to_vec2()?;
            vectors.extend(own.into_iter().flatten());
        }
        Ok((self.dimension, vectors))
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(RetrievalError::Tokenizer)?;
        let n = encodings.len();
        let width = encodings.first().map_or(0, |e| e.get_ids().len());
        if n == 0 || width == 0 {
            return Ok(vec![vec![0.0; self.dimension]; n]);
        }
        let mut ids = Vec::with_capacity(n * width);
        let mut mask = Vec::with_capacity(n * width);
        for encoding in &encodings {
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (n, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (n, width), &self.device)?;
        let type_ids = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?;

        // Mean over the real (unpadded) positions of each text.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, 1e9)?;
        let pooled = summed.broadcast_div(&counts)?;
        let mut vectors: Vec<Vec<f32>> = pooled.to_vec2()?;
        vectors.iter_mut().for_each(|v| normalize(v));
        Ok(vectors)
    }
}

impl Embedder for MiniLm {
    fn name(&self) -> &str {
        "all-MiniLM-L6-v2"
    }

    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
        // Batches of similar lengths waste less on padding; results go back in input order.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts.get(i).map_or(0, |t| t.len()));
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().filter_map(|&i| texts.get(i).copied()).collect();
            for (&i, vector) in chunk.iter().zip(self.embed_batch(&batch)?) {
                if let Some(slot) = out.get_mut(i) {
                    *slot = vector;
                }
            }
        }
        Ok(out)
    }
}

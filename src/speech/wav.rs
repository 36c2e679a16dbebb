//! Reading WAV files into the 16 kHz mono samples speech recognition wants.
//!
//! PCM (8, 16, 24 or 32 bit) and IEEE float (32 bit) files with any number of channels
//! and any sample rate are accepted: channels are averaged and the rate is converted by
//! linear interpolation, which is plenty for speech. Anything else gets an error that says
//! how to convert it.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// The sample rate Whisper works at.
pub const RATE: u32 = 16_000;

/// Mono audio at [`RATE`], samples in [-1, 1].
#[derive(Debug, Clone)]
pub struct Audio {
    pub samples: Vec<f32>,
}

impl Audio {
    pub fn duration_secs(&self) -> f64 {
        self.samples.len() as f64 / f64::from(RATE)
    }

    /// Root-mean-square level in dBFS (-inf for silence), to tell silence from speech.
    pub fn rms_dbfs(&self) -> f64 {
        if self.samples.is_empty() {
            return f64::NEG_INFINITY;
        }
        let ms = self.samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / self.samples.len() as f64;
        10.0 * ms.log10()
    }
}

const CONVERT_HINT: &str =
    "convert it with `sox INPUT -r 16000 -c 1 -b 16 answer.wav` (or ffmpeg -i INPUT -ar 16000 -ac 1 answer.wav)";

/// Read a WAV file from disk.
pub fn read(path: &Path) -> Result<Audio> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the recording {}", path.display()))?;
    parse(&bytes).with_context(|| format!("{} is not a usable WAV recording", path.display()))
}

/// Parse WAV bytes.
pub fn parse(bytes: &[u8]) -> Result<Audio> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        bail!("it has no RIFF/WAVE header; {CONVERT_HINT}");
    }
    let mut fmt: Option<(u16, u16, u32, u16)> = None;
    let mut data: Option<&[u8]> = None;
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = u32::from_le_bytes([bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]]) as usize;
        let body_start = pos + 8;
        // Recorders that stream (arecord to a pipe) leave the size at 0 or 0xFFFFFFFF:
        // the data then runs to the end of the file.
        let body_end = if id == b"data" && (size == 0 || size == u32::MAX as usize || body_start + size > bytes.len()) {
            bytes.len()
        } else {
            body_start.saturating_add(size).min(bytes.len())
        };
        let body = &bytes[body_start..body_end];
        match id {
            b"fmt " => {
                if body.len() < 16 {
                    bail!("its format chunk is truncated; {CONVERT_HINT}");
                }
                let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
                let mut format = u16_at(0);
                let channels = u16_at(2);
                let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                let bits = u16_at(14);
                // WAVE_FORMAT_EXTENSIBLE keeps the real format in its sub-format GUID.
                if format == 0xFFFE && body.len() >= 26 {
                    format = u16_at(24);
                }
                fmt = Some((format, channels, rate, bits));
            }
            b"data" => data = Some(body),
            _ => {}
        }
        pos = body_start + size + (size & 1);
        if data.is_some() && fmt.is_some() {
            break;
        }
    }
    let Some((format, channels, rate, bits)) = fmt else { bail!("it has no format chunk; {CONVERT_HINT}") };
    let Some(data) = data else { bail!("it has no audio data chunk; {CONVERT_HINT}") };
    if channels == 0 || rate == 0 {
        bail!("it declares {channels} channels at {rate} Hz; {CONVERT_HINT}");
    }
    let decode: fn(&[u8]) -> f32 = match (format, bits) {
        (1, 8) => |b| (f32::from(b[0]) - 128.0) / 128.0,
        (1, 16) => |b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0,
        (1, 24) => |b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0,
        (1, 32) => |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0,
        (3, 32) => |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]).clamp(-1.0, 1.0),
        _ => bail!("its encoding (format {format}, {bits} bits) is not PCM or 32-bit float; {CONVERT_HINT}"),
    };
    let width = usize::from(bits / 8);
    let frame = width * usize::from(channels);
    let mono: Vec<f32> = data
        .chunks_exact(frame)
        .map(|f| f.chunks_exact(width).map(decode).sum::<f32>() / f32::from(channels))
        .collect();
    Ok(Audio { samples: resample(&mono, rate, RATE) })
}

/// Linear-interpolation resampling.
fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() {
        return input.to_vec();
    }
    let ratio = f64::from(from) / f64::from(to);
    let n = (input.len() as f64 / ratio).floor() as usize;
    (0..n)
        .map(|i| {
            let x = i as f64 * ratio;
            let j = x.floor() as usize;
            let frac = (x - j as f64) as f32;
            let a = input[j.min(input.len() - 1)];
            let b = input[(j + 1).min(input.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// Encode 16 kHz mono samples as a 16-bit PCM WAV file (used by tests and recordings).
pub fn encode(samples: &[f32]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(format: u16, channels: u16, rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
        let mut out = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&format.to_le_bytes());
        out.extend_from_slice(&channels.to_le_bytes());
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(&(rate * u32::from(channels) * u32::from(bits / 8)).to_le_bytes());
        out.extend_from_slice(&(channels * bits / 8).to_le_bytes());
        out.extend_from_slice(&bits.to_le_bytes());
        out.extend_from_slice(b"LIST\x04\0\0\0abcd");
        out.extend_from_slice(b"data");
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn round_trips_16_bit_mono() {
        let samples: Vec<f32> = (0..1600).map(|i| ((i as f32) / 50.0).sin() * 0.5).collect();
        let audio = parse(&encode(&samples)).unwrap();
        assert_eq!(audio.samples.len(), 1600);
        assert!(audio.samples.iter().zip(&samples).all(|(a, b)| (a - b).abs() < 1e-3));
        assert!((audio.duration_secs() - 0.1).abs() < 1e-9);
    }

    #[test]
    fn averages_stereo_and_resamples_to_16k() {
        // 48 kHz stereo, left +0.5, right -0.5 then both 0.5: mono 0.0 then 0.5
        let mut data = Vec::new();
        for i in 0..4800 {
            let (l, r): (i16, i16) = if i < 2400 { (16384, -16384) } else { (16384, 16384) };
            data.extend_from_slice(&l.to_le_bytes());
            data.extend_from_slice(&r.to_le_bytes());
        }
        let audio = parse(&wav(1, 2, 48_000, 16, &data)).unwrap();
        assert_eq!(audio.samples.len(), 1600);
        assert!(audio.samples[100].abs() < 1e-4);
        assert!((audio.samples[1500] - 0.5).abs() < 1e-3);
    }

    #[test]
    fn reads_float_and_24_bit() {
        let f: Vec<u8> = [0.25f32, -0.25].iter().flat_map(|x| x.to_le_bytes()).collect();
        assert_eq!(parse(&wav(3, 1, 16_000, 32, &f)).unwrap().samples, vec![0.25, -0.25]);
        let s24 = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0]; // +0.5, -0.5
        let a = parse(&wav(1, 1, 16_000, 24, &s24)).unwrap();
        assert!((a.samples[0] - 0.5).abs() < 1e-6 && (a.samples[1] + 0.5).abs() < 1e-6);
    }

    #[test]
    fn streamed_size_reads_to_the_end() {
        let mut bytes = encode(&[0.5; 320]);
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(parse(&bytes).unwrap().samples.len(), 320);
    }

    #[test]
    fn broken_files_say_how_to_convert() {
        for bad in [&b"ID3\x03mp3 data here"[..], b"RIFF\0\0\0\0WAVE", &wav(2, 1, 16_000, 4, &[1, 2, 3, 4])] {
            let e = format!("{:#}", parse(bad).unwrap_err());
            assert!(e.contains("sox"), "{e}");
        }
    }
}

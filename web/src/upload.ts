/** The upload was refused or cut off; `message` is written for the person uploading. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * PUTs the file to a presigned URL (the imports bucket, straight from the browser: the file
 * never passes through the API). XMLHttpRequest, because it reports upload progress and fetch
 * does not; the browser streams the File from disk, it is never read into the page.
 */
export function uploadFile(url: string, file: File, onProgress: (sent: number, total: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
        return;
      }
      const code = /<Code>([^<]*)<\/Code>/.exec(xhr.responseText)?.[1];
      const detail = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText)?.[1];
      const why =
        code === 'AccessDenied' && /expired/i.test(detail ?? '') ? 'the upload link expired; drop the file again' : [code, detail].filter(Boolean).join(': ');
      reject(new UploadError(xhr.status, `The file storage refused the upload (${xhr.status}${why ? `, ${why}` : ''}).`));
    });
    xhr.addEventListener('error', () =>
      reject(new UploadError(0, 'The upload was cut off or could not reach the file storage. Check your connection and drop the file again.')),
    );
    xhr.send(file);
  });
}

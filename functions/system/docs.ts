export const handler = async () => ({ statusCode: 501 }); // placeholder until helper writes it
